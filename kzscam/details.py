"""Typed, localised report details: one small frozen type per subject.

A `Details` is a read-only mapping of the JSON fields a command adds to its reports (the JSON
contract stays `to_json()`), and knows how to say them to a person: `describe(lang)` gives
(label, value) lines with Kazakh, Russian or English labels, yes/no and known values translated,
nested tables flattened (never a Python repr), and internal fields (indexes, decoders, sizes,
positions) left out unless `verbose`. Human renderers print nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, NamedTuple, Self

from kzscam.i18n import DEFAULT_LANG, by_pattern

Labels = Mapping[str, Mapping[str, str]]


class Line(NamedTuple):
    """One described field: its JSON key (renderers treat link fields specially), label, value."""

    key: str
    label: str
    value: str


def _t(en: str, ru: str, kk: str) -> dict[str, str]:
    return {"en": en, "ru": ru, "kk": kk}


def say(table: Labels, key: str, lang: str) -> str | None:
    """`key` from `table` in `lang` (English when that language lacks it), or None."""
    entry = table.get(key)
    if entry is None:
        return None
    return entry.get(lang) or entry.get(DEFAULT_LANG)


# Labels of fields, shared by every subject (a subject adds or overrides its own).
COMMON_LABELS: Labels = {
    "url": _t("link", "ссылка", "сілтеме"),
    "scheme": _t("scheme", "схема", "схема"),
    "host": _t("host", "хост", "хост"),
    "registrable_domain": _t("domain", "домен", "домен"),
    "kind": _t("kind", "тип", "түрі"),
    "owner": _t("belongs to", "принадлежит", "иесі"),
    "brand": _t("belongs to", "принадлежит", "иесі"),
    "imitates": _t("imitates", "подделывается под", "еліктейді"),
    "real_domain": _t("real domain", "настоящий домен", "нағыз домен"),
    "given": _t("as given", "как введено", "енгізілгені"),
    "payload": _t("content", "содержимое", "мазмұны"),
    "payload_hex": _t("bytes", "байты", "байттар"),
    "details": _t("details", "подробности", "мәліметтер"),
    "decoder": _t("decoder", "декодер", "декодер"),
    "symbology": _t("symbology", "тип кода", "код түрі"),
    "position": _t("position", "положение", "орны"),
    "index": _t("number", "номер", "нөмірі"),
    "method": _t("read by", "прочитан способом", "оқу тәсілі"),
    "frame": _t("frame", "кадр", "кадр"),
    "size": _t("size", "размер", "өлшемі"),
    "frames": _t("frames scanned", "проверено кадров", "тексерілген кадр"),
    "frames_total": _t("frames in the file", "кадров в файле", "файлдағы кадр"),
    "frames_note": _t("note", "примечание", "ескерту"),
    "note": _t("note", "примечание", "ескерту"),
    "annotated": _t("annotated copy", "копия с разметкой", "белгіленген көшірме"),
    "annotate_error": _t("annotation failed", "разметка не удалась", "белгілеу сәтсіз"),
    "platform": _t("platform", "платформа", "платформа"),
    "mode": _t("mode", "режим", "режим"),
    "tools_found": _t("tools found", "найдено программ", "табылған бағдарлама"),
    "skipped": _t("not checked", "не проверено", "тексерілмеді"),
    "masked_units": _t("masked units", "заблокированные службы (mask)",
                       "бұғатталған қызметтер (mask)"),
    "id": _t("id", "id", "id"),
    "name": _t("name", "название", "атауы"),
    "tier": _t("list", "список", "тізім"),
    "state": _t("state", "состояние", "күйі"),
    "states": _t("all states", "все состояния", "барлық күйлері"),
    "ports": _t("ports", "порты", "порттар"),
    "confidence": _t("confidence", "уверенность", "сенімділік"),
    "severity": _t("severity", "серьёзность", "маңыздылығы"),
    "allowed": _t("allowed by you", "разрешено вами", "сіз рұқсат еткен"),
    "evidence": _t("evidence", "признаки", "дәлелдер"),
    "format": _t("format", "формат", "формат"),
    "chat": _t("chat", "чат", "чат"),
    "message_count": _t("messages", "сообщений", "хабарлама"),
    "checked": _t("checked", "проверено", "тексерілді"),
    "flagged": _t("flagged", "с признаками", "белгісі бар"),
    "senders": _t("senders", "отправители", "жіберушілер"),
    "senders_total": _t("senders in all", "всего отправителей", "барлық жіберуші"),
    "messages_omitted": _t("messages not shown", "не показано сообщений",
                           "көрсетілмеген хабарлама"),
    "date": _t("date", "дата", "күні"),
    "sender": _t("from", "от", "кімнен"),
    "text": _t("text", "текст", "мәтін"),
    "forwarded_from": _t("forwarded from", "переслано от", "кімнен жіберілген"),
    "truncated": _t("cut", "обрезано", "қысқартылды"),
    # Fields of QR payloads (the nested `details` table of a code).
    "ssid": _t("network", "сеть", "желі"),
    "security": _t("security", "защита", "қорғау"),
    "has_password": _t("password", "пароль", "құпиясөз"),
    "has_secret": _t("secret key", "секретный ключ", "құпия кілт"),
    "number": _t("number", "номер", "нөмір"),
    "phone": _t("phone", "телефон", "телефон"),
    "amount": _t("amount", "сумма", "сомасы"),
    "currency": _t("currency", "валюта", "валюта"),
    "country": _t("country", "страна", "ел"),
    "merchant_name": _t("merchant", "продавец", "сатушы"),
    "merchant_city": _t("city", "город", "қала"),
    "merchant_category": _t("merchant category", "категория продавца", "сатушы санаты"),
    "accounts": _t("accounts", "счета", "шоттар"),
    "account": _t("account", "счёт", "шот"),
    "bank": _t("bank", "банк", "банк"),
    "body": _t("message", "сообщение", "хабарлама"),
    "subject": _t("subject", "тема", "тақырып"),
    "title": _t("title", "заголовок", "тақырыбы"),
    "issuer": _t("issuer", "выдал", "берген"),
    "app": _t("app", "приложение", "қосымша"),
    "package": _t("package", "пакет", "пакет"),
    "store": _t("store", "магазин", "дүкен"),
    "latitude": _t("latitude", "широта", "ендік"),
    "longitude": _t("longitude", "долгота", "бойлық"),
    "address": _t("address", "адрес", "мекенжай"),
    "type": _t("type", "тип", "түрі"),
    "problem": _t("problem", "проблема", "мәселе"),
    "crc_ok": _t("checksum correct", "контрольная сумма верна", "бақылау сомасы дұрыс"),
    "dynamic": _t("one-time code", "одноразовый код", "бір реттік код"),
    "urls": _t("links", "ссылки", "сілтемелер"),
    "phones": _t("phones", "телефоны", "телефондар"),
    "login": _t("how it logs in", "способ входа", "кіру тәсілі"),
    "hidden": _t("hidden network", "скрытая сеть", "жасырын желі"),
    "org": _t("organisation", "организация", "ұйым"),
    "emails": _t("e-mail", "e-mail", "e-mail"),
    "to": _t("to", "кому", "кімге"),
    "summary": _t("event", "событие", "оқиға"),
    "description": _t("description", "описание", "сипаттамасы"),
    "location": _t("place", "место", "орны"),
    "start": _t("starts", "начало", "басталуы"),
    "end": _t("ends", "конец", "аяқталуы"),
    "target": _t("chat or user", "чат или пользователь", "чат немесе пайдаланушы"),
    "group_invite": _t("group invitation", "приглашение в группу", "топқа шақыру"),
    "share": _t("shares a link", "делится ссылкой", "сілтемемен бөліседі"),
    "server": _t("server", "сервер", "сервер"),
    "port": _t("port", "порт", "порт"),
    "export": _t("exports accounts", "перенос аккаунтов", "аккаунттарды көшіру"),
    "action": _t("action", "действие", "әрекет"),
    "intent": _t("Android intent", "Android intent", "Android intent"),
    "fallback_url": _t("fallback link", "запасная ссылка", "қосалқы сілтеме"),
    "manifest_url": _t("install manifest", "манифест установки", "орнату манифесі"),
    "sideload": _t("installs outside the store", "установка в обход магазина",
                   "дүкенді айналып орнату"),
    "download": _t("file download", "скачивание файла", "файл жүктеу"),
    "official_domain": _t("official domain", "официальный домен", "ресми домен"),
    "query": _t("query", "запрос", "сұрау"),
    "length": _t("length", "длина", "ұзындығы"),
    "value": _t("value", "значение", "мәні"),
    # A payment code (EMV): its merchant accounts by meaning, its additional data by name.
    "iban": _t("IBAN", "IBAN", "IBAN"),
    "account_more": _t("more account data", "ещё данные счёта", "шоттың басқа деректері"),
    "bill_number": _t("bill number", "номер счёта на оплату", "төлем шотының нөмірі"),
    "mobile_number": _t("mobile number", "номер телефона", "телефон нөмірі"),
    "store_label": _t("shop", "магазин", "дүкен"),
    "loyalty_number": _t("loyalty card", "карта лояльности", "адалдық картасы"),
    "reference_label": _t("reference", "назначение платежа", "төлем мақсаты"),
    "customer_label": _t("customer", "клиент", "клиент"),
    "terminal_label": _t("terminal", "терминал", "терминал"),
    "purpose": _t("purpose", "цель", "мақсаты"),
    "additional_data": _t("additional data", "дополнительные данные", "қосымша деректер"),
    "crc": _t("checksum", "контрольная сумма", "бақылау сомасы"),
    "crc_expected": _t("checksum expected", "ожидаемая контрольная сумма",
                       "күтілген бақылау сомасы"),
    "score": _t("score", "баллы", "ұпай"),
}

# Known values translated for people (JSON keeps the English codes).
VALUES: Labels = {
    "True": _t("yes", "да", "иә"),
    "False": _t("no", "нет", "жоқ"),
    "live": _t("this computer", "этот компьютер", "осы компьютер"),
    "offline": _t("offline (a disk or file tree)", "офлайн (диск или папка)",
                  "офлайн (диск немесе қалта)"),
    "accessibility": _t("controls the phone (accessibility)", "управляет телефоном (спецвозможности)",
                        "телефонды басқарады (арнайы мүмкіндіктер)"),
    "listening": _t("accepts connections", "принимает подключения", "қосылымдарды қабылдайды"),
    "running": _t("running", "запущена", "іске қосулы"),
    "device-admin": _t("device administrator", "администратор устройства",
                       "құрылғы әкімшісі"),
    "autostart": _t("starts by itself", "запускается сама", "өздігінен іске қосылады"),
    "installed": _t("installed", "установлена", "орнатылған"),
    "downloaded": _t("downloaded", "скачана", "жүктелген"),
    "leftovers": _t("traces remain", "остались следы", "іздері қалған"),
    "high": _t("high", "высокая", "жоғары"),
    "medium": _t("medium", "средняя", "орташа"),
    "low": _t("low", "низкая", "төмен"),
    "info": _t("info", "справка", "анықтама"),
    "critical": _t("critical", "критическая", "өте жоғары"),
    "scam": _t("used by scammers", "используется мошенниками", "алаяқтар пайдаланады"),
    "other": _t("remote-management tools", "программы удалённого управления",
                "қашықтан басқару бағдарламалары"),
    "builtin": _t("built into the system", "встроена в систему", "жүйеге кірістірілген"),
    "safe": _t("safe", "безопасно", "қауіпсіз"),
    "caution": _t("caution", "осторожно", "абай болыңыз"),
    "suspicious": _t("suspicious", "подозрительно", "күдікті"),
    "dangerous": _t("dangerous", "опасно", "қауіпті"),
    "admin": _t("administration tools", "программы администрирования", "әкімшілік бағдарламалары"),
    # How a messenger login code logs in (details.login of a QR code).
    "link a device": _t("link a device", "привязка устройства", "құрылғыны байланыстыру"),
    "QR login": _t("QR login", "вход по QR-коду", "QR-код арқылы кіру"),
    "QR login token": _t("QR login token", "токен входа по QR-коду", "QR-код арқылы кіру токені"),
    "login code": _t("login code", "код входа", "кіру коды"),
}

EVIDENCE_KINDS: Labels = {
    "package": _t("package", "пакет", "пакет"),
    "app": _t("app", "приложение", "қосымша"),
    "binary": _t("program file", "файл программы", "бағдарлама файлы"),
    "download": _t("downloaded file", "скачанный файл", "жүктелген файл"),
    "path": _t("file", "файл", "файл"),
    "removed-package": _t("removed package", "удалённый пакет", "жойылған пакет"),
    "service": _t("service", "служба", "қызмет"),
    "autostart": _t("autostart entry", "автозапуск", "автоіске қосу"),
    "process": _t("process", "процесс", "процесс"),
    "listen": _t("open port", "открытый порт", "ашық порт"),
    "rustdesk-layout": _t("RustDesk-style settings", "настройки в стиле RustDesk",
                          "RustDesk үлгісіндегі баптаулар"),
    "ran": _t("was run", "запускалась", "іске қосылған"),
    "accessibility": _t("accessibility service", "служба спецвозможностей",
                        "арнайы мүмкіндіктер қызметі"),
    "device-admin": _t("device administrator", "администратор устройства", "құрылғы әкімшісі"),
    "notification-access": _t("reads notifications", "читает уведомления",
                              "хабарландыруларды оқиды"),
    "sms-default": _t("default SMS app", "SMS-приложение по умолчанию", "әдепкі SMS қосымшасы"),
    "screen-capture": _t("captures the screen", "записывает экран", "экранды жазады"),
}

WORDS: Labels = {
    "at": _t("at", "в", "орны"),
    "starts_by_itself": _t("starts by itself", "запускается сама", "өздігінен іске қосылады"),
    "not_enabled": _t("not enabled", "не включена", "қосылмаған"),
    "masked": _t("masked: cannot start", "заблокирована (mask): не запустится",
                 "бұғатталған (mask): іске қосылмайды"),
    "port": _t("port", "порт", "порт"),
    "pid": _t("process", "процесс", "процесс"),
    "of_messages_flagged": _t("{flagged} of {messages} messages flagged",
                              "{flagged} из {messages} сообщений с признаками",
                              "{messages} хабарламаның {flagged} белгісі бар"),
    "frames_sampled": _t("{frames} of {total} frames scanned, spread evenly from the first to "
                         "the last",
                         "проверено {frames} из {total} кадров, равномерно от первого до "
                         "последнего",
                         "{total} кадрдың {frames} кадры тексерілді, біріншісінен соңғысына "
                         "дейін біркелкі"),
}


def _scalar(value: Any, lang: str) -> str:
    if isinstance(value, bool) or value is None:
        return say(VALUES, str(bool(value)), lang) or str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class Details(Mapping[str, Any]):
    """The JSON fields of one report, read-only, with labels for people."""

    __slots__ = ("_data",)
    LABELS: ClassVar[Labels] = {}
    # Internal fields: useful in JSON and with --verbose, noise for a person reading a report.
    INTERNAL: ClassVar[frozenset[str]] = frozenset()
    # Fields that are never a line of their own (the renderers use them elsewhere).
    HIDDEN: ClassVar[frozenset[str]] = frozenset({"display"})
    # Fields whose values are codes with a translation in VALUES.
    TRANSLATED: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, data: Mapping[str, Any] | None = None, /, **fields: Any) -> None:
        self._data: dict[str, Any] = {**(data or {}), **fields}

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._data) == dict(other)

    def __hash__(self) -> int:
        return hash(tuple(self._data))

    def __reduce__(self) -> tuple[Any, ...]:  # worker processes send reports back
        return (type(self), (self._data,))

    def to_json(self) -> dict[str, Any]:
        """The fields as JSON-ready data (the contract in docs/output.md)."""
        return dict(self._data)

    def with_fields(self, **fields: Any) -> Self:
        """A copy of the same type with `fields` added or replaced."""
        return type(self)(self._data, **fields)

    def without(self, *keys: str) -> Self:
        """A copy of the same type without `keys`."""
        return type(self)({k: v for k, v in self._data.items() if k not in keys})

    def label(self, key: str, lang: str) -> str:
        return say(self.LABELS, key, lang) or say(COMMON_LABELS, key, lang) or key

    def value(self, key: str, value: Any, lang: str) -> str:
        """One field's value as a person should read it."""
        if isinstance(value, Mapping):
            return "; ".join(f"{self.label(k, lang)}: {self.value(k, v, lang)}"
                             for k, v in list(value.items())[:20]
                             if v not in (None, "", [], {}))
        if isinstance(value, (list, tuple)):
            return ", ".join(self.value(key, v, lang) for v in value[:20])
        if key in self.TRANSLATED and isinstance(value, str):
            return say(VALUES, value, lang) or value
        return _scalar(value, lang)

    def describe(self, lang: str, verbose: bool = False) -> list[Line]:
        """The lines a person reads, in `lang`; internal fields only when `verbose`."""
        out: list[Line] = []
        for key, value in self._data.items():
            if value in (None, "", [], {}) or key in self.HIDDEN:
                continue
            if key in self.INTERNAL and not verbose:
                continue
            out.append(Line(key, self.label(key, lang), self.value(key, value, lang)))
        return out


def extend(details: Mapping[str, Any], **fields: Any) -> Mapping[str, Any]:
    """`details` with `fields` added, keeping its type (a Details stays typed)."""
    if isinstance(details, Details):
        return details.with_fields(**fields)
    return {**details, **fields}


URL_KINDS: Labels = {
    "web": _t("web page", "веб-страница", "веб-бет"),
    "brand": _t("a known organisation's own site", "собственный сайт известной организации",
                "белгілі ұйымның өз сайты"),
    "allowlisted": _t("on your allow list", "в вашем списке разрешённых", "сіздің рұқсат тізіміңізде"),
    "ip": _t("a bare IP address", "голый IP-адрес", "жалаң IP мекенжайы"),
    "shortener": _t("short link", "короткая ссылка", "қысқа сілтеме"),
    "download": _t("file download", "скачивание файла", "файл жүктеу"),
    "free-hosting": _t("free hosting", "бесплатный хостинг", "тегін хостинг"),
    "form": _t("form builder", "конструктор форм", "форма құрастырғыш"),
    "messenger": _t("messenger link", "ссылка мессенджера", "мессенджер сілтемесі"),
    "payment": _t("payment", "платёж", "төлем"),
    "remote-tool": _t("remote-access tool", "программа удалённого доступа",
                      "қашықтан қол жеткізу бағдарламасы"),
    "app-link": _t("opens an app", "открывает приложение", "қосымшаны ашады"),
    "script": _t("script", "скрипт", "скрипт"),
    "redirect": _t("redirect", "перенаправление", "бағыттау"),
    "malformed": _t("malformed link", "испорченная ссылка", "бұзылған сілтеме"),
}


class UrlDetails(Details):
    """`check-url`: what the link is and whose it is."""

    __slots__ = ()

    def value(self, key: str, value: Any, lang: str) -> str:
        if key == "kind" and isinstance(value, str):
            return say(URL_KINDS, value, lang) or value
        return super().value(key, value, lang)


QR_KINDS: Labels = {
    "url": _t("web link", "веб-ссылка", "веб-сілтеме"),
    "bank_payment_link": _t("bank payment link", "платёжная ссылка банка", "банк төлем сілтемесі"),
    "messenger_login": _t("messenger login", "вход в мессенджер", "мессенджерге кіру"),
    "messenger_link": _t("messenger link", "ссылка мессенджера", "мессенджер сілтемесі"),
    "app_link": _t("app link", "ссылка на приложение", "қосымша сілтемесі"),
    "wifi": _t("Wi-Fi network", "сеть Wi-Fi", "Wi-Fi желісі"),
    "tel": _t("phone call", "звонок", "қоңырау"),
    "sms": _t("SMS", "SMS", "SMS"),
    "email": _t("e-mail", "e-mail", "e-mail"),
    "geo": _t("location", "место на карте", "картадағы орын"),
    "contact": _t("contact card", "контакт", "контакт"),
    "calendar": _t("calendar event", "событие календаря", "күнтізбе оқиғасы"),
    "emv_payment": _t("payment code (EMV)", "платёжный код (EMV)", "төлем коды (EMV)"),
    "otpauth": _t("one-time password setup", "настройка одноразовых паролей",
                  "бір реттік құпиясөз баптауы"),
    "crypto": _t("crypto payment", "криптоплатёж", "криптотөлем"),
    "proxy": _t("proxy settings", "настройки прокси", "прокси баптаулары"),
    "script": _t("script", "скрипт", "скрипт"),
    "text": _t("text", "текст", "мәтін"),
    "binary": _t("binary data", "двоичные данные", "екілік деректер"),
    "unknown": _t("unknown format", "неизвестный формат", "белгісіз формат"),
}


class CodeDetails(Details):
    """One QR code in an image (or a payload given with --payload)."""

    __slots__ = ()
    INTERNAL = frozenset({"index", "decoder", "symbology", "position", "method", "frame",
                          "payload_hex"})
    TRANSLATED = frozenset({"login"})
    # Fields of a payload's `details` table that only a checksum analyst reads.
    INTERNAL_PAYLOAD = frozenset({"crc", "crc_expected"})

    def value(self, key: str, value: Any, lang: str) -> str:
        if key == "kind" and isinstance(value, str):
            return say(QR_KINDS, value, lang) or value
        return super().value(key, value, lang)

    def describe(self, lang: str, verbose: bool = False) -> list[Line]:
        lines = super().describe(lang, verbose)
        payload = self.get("details")
        if self.get("kind") != "emv_payment" or not isinstance(payload, Mapping):
            return lines
        said = self.value("details", emv_fields(payload, lang, verbose), lang)
        return [Line(line.key, line.label, said) if line.key == "details" else line
                for line in lines]


class ImageDetails(Details):
    """An image scanned for QR codes."""

    __slots__ = ()
    INTERNAL = frozenset({"size", "frames"})

    def value(self, key: str, value: Any, lang: str) -> str:
        if key == "frames_note" and "frames" in self and "frames_total" in self and (
                value == default_frames_note(self["frames"], self["frames_total"])):
            text = say(WORDS, "frames_sampled", lang) or ""
            return text.format(frames=self["frames"], total=self["frames_total"])
        return super().value(key, value, lang)


_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def emv_fields(payload: Mapping[str, Any], lang: str, verbose: bool = False) -> dict[str, Any]:
    """A payment code's details by meaning: each merchant account as its payment system and
    account (IBAN when it is one), the additional data by name, no EMV tag numbers; the checksum
    values only with --verbose (`crc_ok` says what a person needs)."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if key in CodeDetails.INTERNAL_PAYLOAD and not verbose:
            continue
        if key == "accounts" and isinstance(value, Mapping):
            out["accounts"] = [_emv_account(sub, lang) for sub in value.values()
                               if isinstance(sub, Mapping)]
        elif key == "additional" and isinstance(value, Mapping):
            for name, item in value.items():
                if name in COMMON_LABELS and not name.isdigit() and name != "value":
                    out[name] = item
                else:  # fields without a name of their own: every one is kept
                    out.setdefault("additional_data", []).append(item)
        else:
            out[key] = value
    return out


def _emv_account(sub: Mapping[str, Any], lang: str) -> str:
    """One merchant account template as `payment system (account ...)`: sub-field 00 names the
    payment system (`kz.kaspi`, an application id), 01 is usually the account (an IBAN when it
    looks like one), the rest is the payment system's own data."""
    provider = str(sub.get("00", ""))
    parts: list[str] = []
    for tag, value in sub.items():
        if tag == "00":
            continue
        value = str(value)
        if tag in ("01", "value") and not parts:
            key = "iban" if _IBAN.fullmatch(value) else "account"
        else:
            key = "account_more"
        parts.append(f"{say(COMMON_LABELS, key, lang)} {value}")
    if not provider:
        return "; ".join(parts)
    return f"{provider} ({'; '.join(parts)})" if parts else provider


def default_frames_note(frames: int, total: int) -> str:
    """The English note of a sampled animation (JSON); people read it in their language."""
    return f"{frames} of {total} frames scanned, spread evenly from the first to the last"


class ToolDetails(Details):
    """One remote-access tool found on a host."""

    __slots__ = ()
    INTERNAL = frozenset({"id", "name", "severity"})
    TRANSLATED = frozenset({"state", "states", "confidence", "tier"})

    def value(self, key: str, value: Any, lang: str) -> str:
        if key == "evidence" and isinstance(value, (list, tuple)):
            return "; ".join(evidence_line(item, lang) for item in value[:20])
        return super().value(key, value, lang)


def evidence_line(item: Mapping[str, Any], lang: str) -> str:
    """One piece of host evidence: what it is, where, whether it starts by itself, its port."""
    kind = str(item.get("kind", ""))
    value, where = str(item.get("value", "")), str(item.get("where", ""))
    text = f"{say(EVIDENCE_KINDS, kind, lang) or kind} {value}"
    if where and where != value:
        text += f" ({say(WORDS, 'at', lang)} {where})"
    if item.get("masked"):  # systemd will not start it, whatever links still point at it
        text += ", " + (say(WORDS, "masked", lang) or "")
    elif "enabled" in item:
        text += ", " + (say(WORDS, "starts_by_itself" if item["enabled"] else "not_enabled", lang)
                        or "")
    extra = [f"{say(WORDS, k, lang)} {item[k]}" for k in ("port", "pid") if k in item]
    if item.get("note"):
        extra.append(str(item["note"]))
    return text + (f" ({', '.join(extra)})" if extra else "")


# What an audit could not check, as the collectors write it in JSON (English, stable) and as a
# person reads it. A line not listed here (a file's own read error) is shown as written.
_WHY = {
    "run kzscam as root/administrator to see them": _t(
        "run kzscam as root/administrator to see them",
        "запустите kzscam от имени root/администратора, чтобы их увидеть",
        "оларды көру үшін kzscam-ды root/әкімші ретінде іске қосыңыз"),
    "they exited or belong to another container": _t(
        "they exited or belong to another container",
        "они завершились или принадлежат другому контейнеру",
        "олар аяқталған немесе басқа контейнерге тиесілі"),
}
_SKIPPED: tuple[tuple[re.Pattern[str], Mapping[str, str]], ...] = (
    (re.compile(r"program paths of (?P<n>\d+) processes are not visible; (?P<why>.+)"),
     _t("program paths of {n} processes are not visible; {why}",
        "пути к программам {n} процессов не видны; {why}",
        "{n} процестің бағдарлама жолдары көрінбейді; {why}")),
    (re.compile(r"listening sockets are not visible; (?P<why>.+)"),
     _t("listening sockets are not visible; {why}",
        "прослушивающие сокеты не видны; {why}",
        "тыңдап тұрған сокеттер көрінбейді; {why}")),
    (re.compile(r"owners of (?P<n>\d+) listening sockets are not visible; (?P<why>.+)"),
     _t("owners of {n} listening sockets are not visible; {why}",
        "владельцы {n} прослушивающих сокетов не видны; {why}",
        "тыңдап тұрған {n} сокеттің иелері көрінбейді; {why}")),
    (re.compile(r"processes and network sockets \(offline audit of a file tree\)"),
     _t("processes and network sockets (offline audit of a file tree)",
        "процессы и сетевые сокеты (офлайн-проверка папки)",
        "процестер мен желілік сокеттер (қалтаны офлайн тексеру)")),
    (re.compile(r"Windows registry: no SYSTEM or SOFTWARE hive under (?P<where>\S+) "
                r"\(services, Run keys, uninstall entries\)"),
     _t("Windows registry: no SYSTEM or SOFTWARE hive under {where} (services, Run keys, "
        "uninstall entries)",
        "реестр Windows: нет файлов SYSTEM и SOFTWARE в {where} (службы, автозапуск Run, "
        "записи об удалении программ)",
        "Windows тізілімі: {where} ішінде SYSTEM және SOFTWARE файлдары жоқ (қызметтер, Run "
        "автоіске қосу, бағдарламаларды жою жазбалары)")),
    (re.compile(r"accessibility is switched off: enabled services are not active"),
     _t("accessibility is switched off: enabled services are not active",
        "спецвозможности выключены: включённые службы не работают",
        "арнайы мүмкіндіктер өшірулі: қосылған қызметтер жұмыс істемейді")),
)


def skipped_line(text: str, lang: str) -> str:
    """One thing an audit did not check, in `lang` when kzscam wrote it (see _SKIPPED)."""
    def fill(groups: dict[str, str]) -> dict[str, str]:
        if "why" in groups:
            groups["why"] = say(_WHY, groups["why"], lang) or groups["why"]
        return groups

    return by_pattern(_SKIPPED, text, lang, fill)


class HostDetails(Details):
    """A computer, a disk or a phone audited for remote-access tools."""

    __slots__ = ()
    TRANSLATED = frozenset({"mode"})
    # Masked systemd units are read and known (they cannot start): worth a line with --verbose.
    INTERNAL = frozenset({"masked_units"})

    def value(self, key: str, value: Any, lang: str) -> str:
        if key == "skipped" and isinstance(value, (list, tuple)):
            return "; ".join(skipped_line(str(v), lang) for v in value[:20])
        return super().value(key, value, lang)


class ChatDetails(Details):
    """A chat export judged as a conversation."""

    __slots__ = ()

    def value(self, key: str, value: Any, lang: str) -> str:
        if key == "senders" and isinstance(value, (list, tuple)):
            return "; ".join(sender_line(row, lang) for row in value[:20])
        return super().value(key, value, lang)


def sender_line(row: Mapping[str, Any], lang: str) -> str:
    """One row of the senders table: name, verdict, how many messages were flagged, chains."""
    counts = (say(WORDS, "of_messages_flagged", lang) or "").format(
        flagged=row.get("flagged", 0), messages=row.get("messages", 0))
    chains = row.get("chains") or []
    verdict = str(row.get("verdict", ""))
    return (f"{row.get('name', '')}: {say(VALUES, verdict, lang) or verdict} ({counts}"
            + (f"; {', '.join(map(str, chains))}" if chains else "") + ")")


class MessageDetails(Details):
    """One message of a chat."""

    __slots__ = ()
    INTERNAL = frozenset({"index"})
