"""Curation tables for scripts/build_catalogue.py: tiers, merges and fixes of known source errors.

Each table says why it exists; reviewing the catalogue means reviewing this file.
"""

from __future__ import annotations

import re

# Tools fraudsters in Kazakhstan/CIS tell victims to install (NBK notice of 2025-04-03, research
# note section 8.2); "admin" tools are legitimate remote administration; "builtin" ships with the OS.
TIERS = {
    "scam": ("anydesk", "teamviewer", "rustdesk", "rudesktop", "hoptodesk", "todesk", "ammyy",
             "aeroadmin", "litemanager", "rms", "radmin", "getscreen", "assistant", "ultraviewer",
             "airdroid"),
    "admin": ("chrome_remote_desktop", "splashtop", "zoho_assist", "screenconnect", "dwservice",
              "meshcentral", "tightvnc", "ultravnc", "realvnc", "tigervnc", "x11vnc", "xrdp", "krfb"),
    "builtin": ("quick_assist", "apple_remote_desktop"),
}
# RustDesk builds keep <App>.toml/<App>2.toml and /tmp/<App>-service: the app name per known tool.
RUSTDESK_APPS = {"rustdesk": "RustDesk", "hoptodesk": "HopToDesk", "rudesktop": "RuDesktop"}
# LOLRMM entries left out: not remote control of this computer and present on ordinary machines
# (a screen reader for the blind, a file-sync client, the built-in RDP *client*).
EXCLUDED = {"nvda", "yandex.disk", "mstsc",
            # SSH/SFTP clients and connection managers: they reach other machines and give nobody
            # access to this one (ordinary admin tools; they were false flags on decoy disks).
            "putty", "extraputty", "kitty", "putty_tray", "solar-putty", "superputty", "winscp",
            "mremoteng"}
# Names that say nothing on their own (system binaries, generic installer/agent names).
GENERIC = {
    "dwm.exe", "mstsc.exe", "setup.exe", "installer.exe", "agent.exe", "agent32.exe", "agent64.exe",
    "connect.exe", "upload.exe", "dd.exe", "si.exe", "rv.exe", "era.exe", "perl.exe", "rdp.exe",
    "autoupdate.exe", "selfupdater.exe", "notificationhelper.exe", "usernotificationhelper.exe",
    "update-shim.exe", "closeapp.exe", "appcore.exe", "recycler.exe", "httpget.exe", "nvda.exe",
    "installcore.exe", "installshield setup.exe", "remote desktop.exe", "remote access.exe",
    "windowslauncher.exe", "manuallauncher.exe", "supporttool.exe", "nvda_service.exe",
    "winring0_1_2_0", "windows update service", "level", "serviceconfig.xml", "assistant",
}
# Paths that exist on every system of that OS or name no tool (fixes of known errors).
DROP_PATHS = {
    r"*\Yandex\*", r"*Windows\System32\mstsc.exe", r"%SystemRoot%\System32\termsrv.exe",
    r"%USERPROFILE%\Documents\Default.rdp", "/var/log/system.log", "/usr/lib64/libsciter-gtk.so",
    r"%TEMP%\*\agent.exe",
}
# LOLRMM `tigervnc` lists TightVNC's paths and server (README "known data-quality problems").
DROP_FROM = {"tigervnc": {r"C:\Program Files\TightVNC\*", r"*\TightVNC\*", r"*\tvnserver.exe",
                          "tvnserver.exe"},
             "vnc": {"winvncsc.exe"}}  # UltraVNC SingleClick, not RealVNC (vnc merges into realvnc)
TYPOS = {"nxservice*.ese": "nxservice*.exe", "g2mhost.exee": "g2mhost.exe", "KLM\\": "HKLM\\"}
# Supplement facts that are not what their field says, or marked likely invented by the research.
SUPPLEMENT_DROP = {"hoptodesk AppImage", "com.ammyy.admin", "com.google.android.apps.chromeremotedesktop"}
VIEWER_LABEL = re.compile(r"controller|viewer|technician", re.I)
NOTES = [
    "LOLRMM duplicates merged by name and by the supplement's lolrmm_ids "
    "(litemanager/lite_manager, ultravnc/ultra_vnc, quickassist/microsoft_quick_assist, ...).",
    "tigervnc: TightVNC paths and tvnserver.exe removed; an identifier the supplement gives to one "
    "tool is removed from other tools' LOLRMM-derived lists (winvnc.exe belongs to UltraVNC).",
    "Typos fixed: nxservice*.ese, g2mhost.exee, KLM\\ hive; junk values dropped (hashes, "
    "placeholders like <random>.exe, sentences, regex fragments, unknown %VARS%).",
    "Generic names dropped (dwm.exe, mstsc.exe, setup.exe, agent.exe, ...), as are paths present on "
    "every system (termsrv.exe, /var/log/system.log, *\\Yandex\\*).",
    "Left out: nvda (screen reader), yandex.disk (file sync), mstsc (built-in RDP client), and the "
    "SSH/SFTP clients and connection managers (PuTTY and its forks, KiTTY, WinSCP, mRemoteNG).",
    "Supplement: non-path values moved (unit names) or cleaned (parenthetical notes), AppImage "
    "pseudo-package and Android ids the research marks as likely wrong dropped.",
]

# Artefacts (scripts/data/artefacts.json) -> catalogue tool they belong to, per artefact kind.
ARTEFACT_TOOLS: dict[str, dict[str, str]] = {
    "debian": {
        "x2goserver": "x2go", "x2goserver-xsession": "x2go", "xpra": "xpra", "wayvnc": "wayvnc",
        "freerdp2-shadow-x11": "freerdp_shadow", "tigervnc-scraping-server": "tigervnc",
        "tigervnc-standalone-server": "tigervnc", "tigervnc-xorg-extension": "tigervnc",
        "gnome-remote-desktop": "gnome_remote_desktop", "vino": "vino", "x11vnc": "x11vnc",
        "xrdp": "xrdp", "krfb": "krfb", "tightvncserver": "tightvnc", "gitso": "gitso",
    },
    "winget": {
        "AnyDeskSoftwareGmbH.AnyDesk": "anydesk", "GlavSoft.TightVNC": "tightvnc",
        "Google.ChromeRemoteDesktopHost": "chrome_remote_desktop", "HopToDesk.HopToDesk": "hoptodesk",
        "NoMachine.NoMachine": "nomachine", "Parsec.Parsec": "parsec", "RealVNC.VNCServer": "realvnc",
        "RustDesk.RustDesk": "rustdesk", "Splashtop.SplashtopStreamer": "splashtop",
        "TeamViewer.QuickSupport": "teamviewer", "TeamViewer.TeamViewer": "teamviewer",
    },
    "scoop": {
        "airdroid": "airdroid", "anydesk": "anydesk", "parsec": "parsec", "rustdesk": "rustdesk",
        "teamviewer": "teamviewer", "teamviewer-qs": "teamviewer", "tightvnc": "tightvnc",
        "ultravnc": "ultravnc",
    },
    "choco": {"litemanager-server": "litemanager"},
    "cask": {
        "airdroid": "airdroid", "anydesk": "anydesk", "awesun": "awesun",
        "chrome-remote-desktop-host": "chrome_remote_desktop", "jump-desktop-connect": "jump_desktop",
        "nomachine": "nomachine", "parsec": "parsec", "realvnc-connect": "realvnc",
        "remotix-agent": "acronis_cyber_protect_remotix", "rustdesk": "rustdesk",
        "screens-connect": "screens_connect", "splashtop-streamer": "splashtop",
        "sunloginclient": "sunlogin", "supremo": "supremo", "teamviewer": "teamviewer",
        "teamviewer-quicksupport": "teamviewer", "todesk": "todesk",
    },
}
# File names in manifests that say nothing on their own (TeamViewer's MSI inside its zip).
ARTEFACT_GENERIC = {"update.msi", "setup.exe", "installer.exe"}
# Tools known only from artefacts (no LOLRMM or research entry): name, tier, website.
NEW_TOOLS: dict[str, tuple[str, str, str]] = {
    "wayvnc": ("wayvnc", "admin", "https://github.com/any1/wayvnc"),
    "freerdp_shadow": ("FreeRDP shadow server", "admin", "https://www.freerdp.com"),
    "gitso": ("Gitso", "admin", "https://code.google.com/archive/p/gitso/"),
    "gnome_remote_desktop": ("GNOME Remote Desktop", "desktop",
                             "https://gitlab.gnome.org/GNOME/gnome-remote-desktop"),
    "vino": ("Vino (GNOME/Cinnamon desktop sharing)", "desktop", "https://gitlab.gnome.org/GNOME/vino"),
    "screens_connect": ("Screens Connect", "admin", "https://edovia.com/en/screens-connect/"),
    "awesun": ("AweSun (Oray)", "admin", "https://sunlogin.oray.com/"),
}
# Tools whose install facts now come from their real packages: judged like other admin tools
# (LOLRMM alone left them at "other", i.e. low confidence on one kind of evidence).
ARTEFACT_TIERS = {"x2go": "admin", "xpra": "admin", "nomachine": "admin", "parsec": "admin",
                  "supremo": "admin", "jump_desktop": "admin", "acronis_cyber_protect_remotix": "admin",
                  "sunlogin": "admin"}
NOTES += [
    "Artefacts: Linux facts of Debian 12's remote-desktop servers read from the packages' own file "
    "lists, units and maintainer scripts (scripts/build_artefacts.py); each tool lists them under "
    "`sources`. Desktop sharing shipped with GNOME/Cinnamon has tier `desktop`: shown when "
    "installed, alarming only when enabled.",
    "Artefacts: Windows installer and download names (versions as *), uninstall product codes "
    "and names, default install folders from winget-pkgs installer manifests, Scoop Extras "
    "manifests and a Chocolatey package script; NoMachine, Parsec and Supremo judged as admin "
    "tools (real remote-desktop servers, not generic LOLRMM entries).",
    "Artefacts: macOS app bundles, bundle ids (uninstall quit/signal), launchd labels, pkgutil "
    "receipts, installer names and uninstall/zap paths from Homebrew Cask definitions; Jump "
    "Desktop, Remotix (Acronis Cyber Protect Connect) and Sunlogin judged as admin tools.",
]
# Android packages of one vendor's family that drive the screen for the main app, matched by the
# vendor's namespace (each phone maker needs its own signed add-on). Ids seen in real device
# setups: TeamViewer QuickSupport add-ons addon.universal, .samsung, .lg, .aosp, .huawei2; AnyDesk
# control plugins adcontrol.ad1, .aosp, .aosp2.
ANDROID_FAMILIES: dict[str, tuple[list[str], str]] = {
    "teamviewer": (["com.teamviewer.quicksupport.addon.*"],
                   "Google Play: TeamViewer QuickSupport add-ons com.teamviewer.quicksupport.addon.* "
                   "(universal, samsung, lg, aosp, huawei2, ...), accessibility/system services "
                   "that let QuickSupport control the screen"),
    "anydesk": (["com.anydesk.adcontrol.*"],
                "anydesk.com/downloads/android-plugin/<id>: AnyDesk control plugins "
                "com.anydesk.adcontrol.* (ad1, aosp, aosp2, intel1, ...), per phone maker"),
}
