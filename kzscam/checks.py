"""Every detector check name, one enum per detector: the vocabulary rules and detectors share.

A detector emits `Hit(check, ...)` with a member of its enum (never a free string); a rule binds
to a check with ``match = { check = "..." }``. Loading rejects a rule whose check no detector
emits, and the engine rejects a hit that neither names a rule nor a check. This module sits at the
bottom of the layers (with `kzscam.model`) so that rules, the engine and detectors can all use it.
"""

from __future__ import annotations

from enum import StrEnum


class LearnedCheck(StrEnum):
    """The learned text detector: its probability bands (`[[learned]]` in rules/scoring.toml)."""
    LIKELY = "learned.likely"
    VERY_LIKELY = "learned.very_likely"


class UrlCheck(StrEnum):
    """The URL inspector (`kzscam.url`)."""
    APP_DOWNLOAD = "url.app_download"
    ARCHIVE_DOWNLOAD = "url.archive_download"
    BAD_SCHEME = "url.bad_scheme"
    BRAND_LOGIN_PATH = "url.brand_login_path"
    BRAND_PATH = "url.brand_path"
    BRAND_SUBDOMAIN = "url.brand_subdomain"
    CMS_KIT = "url.cms_kit"
    COMBOSQUAT = "url.combosquat"
    CRYPTO_PAYMENT = "url.crypto_payment"
    ENCODED_HOST = "url.encoded_host"
    FREE_HOSTING = "url.free_hosting"
    HOMOGLYPH = "url.homoglyph"
    HTTP_SENSITIVE = "url.http_sensitive"
    INVISIBLE = "url.invisible"
    IP_HOST = "url.ip_host"
    LONG_HOST = "url.long_host"
    LOOKALIKE = "url.lookalike"
    MALFORMED = "url.malformed"
    MIXED_SCRIPT = "url.mixed_script"
    PAYMENT = "url.payment"
    PORT = "url.port"
    PUNYCODE = "url.punycode"
    REDIRECT = "url.redirect"
    REMOTE_TOOL = "url.remote_tool"
    SHORTENER = "url.shortener"
    SIGN_IN_KIT = "url.sign_in_kit"
    TG_LOGIN = "url.tg_login"
    TLD_SWAP = "url.tld_swap"
    USERINFO = "url.userinfo"
    WA_PREFILLED = "url.wa_prefilled"
    WEB_FORM = "url.web_form"


class QrCheck(StrEnum):
    """The QR checks (`kzscam.qr`): payloads, and images without a code."""
    ANDROID_INTENT = "qr.android_intent"
    APP_DOWNLOAD = "qr.app_download"
    APP_STORE = "qr.app_store"
    BINARY = "qr.binary"
    CALENDAR = "qr.calendar"
    CONTACT = "qr.contact"
    CONTACT_BRAND = "qr.contact_brand"
    CRYPTO = "qr.crypto"
    EMAIL = "qr.email"
    EMV = "qr.emv"
    EMV_BAD_CRC = "qr.emv_bad_crc"
    EMV_FOREIGN = "qr.emv_foreign"
    FOREIGN_NUMBER = "qr.foreign_number"
    FRAMES_SKIPPED = "qr.frames_skipped"
    GEO = "qr.geo"
    MALFORMED = "qr.malformed"
    MESSENGER_CHAT = "qr.messenger_chat"
    MESSENGER_LOGIN = "qr.messenger_login"
    NO_CODE = "qr.no_code"
    OTP_EXPORT = "qr.otp_export"
    OTPAUTH = "qr.otpauth"
    PROXY = "qr.proxy"
    REMOTE_ACCESS_APP = "qr.remote_access_app"
    SCRIPT = "qr.script"
    SHORT_NUMBER = "qr.short_number"
    SMS = "qr.sms"
    TEL = "qr.tel"
    UNKNOWN_SCHEME = "qr.unknown_scheme"
    URL = "qr.url"
    USSD = "qr.ussd"
    USSD_FORWARD = "qr.ussd_forward"
    WIFI = "qr.wifi"
    WIFI_BRAND = "qr.wifi_brand"
    WIFI_HIDDEN = "qr.wifi_hidden"
    WIFI_INSECURE = "qr.wifi_insecure"


class HostCheck(StrEnum):
    """The host judge (`kzscam.host`): tools by state and confidence, host-level findings."""
    ANDROID_SCREEN_CAPTURE = "host.android_screen_capture"
    ANDROID_SIDELOADED_ACCESS = "host.android_sideloaded_access"
    ANDROID_SIDELOADED_CONTROL = "host.android_sideloaded_control"
    ANDROID_SIDELOADED_TAKEOVER = "host.android_sideloaded_takeover"
    DESKTOP_SHARING_OFF = "host.desktop_sharing_off"
    HOWTO_ANDROID = "host.howto_android"
    HOWTO_LINUX = "host.howto_linux"
    HOWTO_MACOS = "host.howto_macos"
    HOWTO_WINDOWS = "host.howto_windows"
    NBK_NAMED = "host.nbk_named"
    PORT_OPEN = "host.port_open"
    POSSIBLE_TOOL_ACTIVE = "host.possible_tool_active"
    POSSIBLE_TOOL_INSTALLED = "host.possible_tool_installed"
    RUSTDESK_FORK = "host.rustdesk_fork"
    TOOL_ACCESSIBILITY = "host.tool_accessibility"
    TOOL_ALLOWED = "host.tool_allowed"
    TOOL_AUTOSTART = "host.tool_autostart"
    TOOL_DEVICE_ADMIN = "host.tool_device_admin"
    TOOL_DOWNLOADED = "host.tool_downloaded"
    TOOL_INSTALLED = "host.tool_installed"
    TOOL_LEFTOVERS = "host.tool_leftovers"
    TOOL_LISTENING = "host.tool_listening"
    TOOL_RUNNING = "host.tool_running"
    VIEWER_INSTALLED = "host.viewer_installed"


class ChatCheck(StrEnum):
    """The chat detector (`kzscam.chat`): conversation chains and cut messages."""
    ACCOUNT_TAKEOVER = "chat.account_takeover"
    AUTHORITY_MONEY = "chat.authority_money"
    CODE_GIVEN = "chat.code_given"
    JOB_DEPOSIT = "chat.job_deposit"
    MESSAGE_CUT = "chat.message_cut"
    RELATIVE_MONEY = "chat.relative_money"
    REMOTE_ACCESS = "chat.remote_access"
    SUPPORT_CODE = "chat.support_code"


DETECTOR_CHECKS: dict[str, type[StrEnum]] = {
    "learned": LearnedCheck, "url": UrlCheck, "qr": QrCheck, "host": HostCheck, "chat": ChatCheck,
}
ALL_CHECKS: frozenset[str] = frozenset(c.value for enum in DETECTOR_CHECKS.values() for c in enum)
