"""EMVCo merchant-presented payment QR (EMV QRCPS-MPM): TLV parsing and the CRC-16 check.

Kazakhstan's unified payment QR follows this layout: `ID(2 digits) LEN(2 digits) VALUE` repeated,
starting with `000201` and ending with tag 63, a CRC-16/CCITT-FALSE over everything before its
value. A sticker printed over a shop's code often breaks the checksum or changes the merchant;
the parse keeps every field so the checks can say which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kzscam.qr.formats import FormatError

# Tag names from EMV QRCPS-MPM v1.1 section 4 (root) and 4.7 (additional data, tag 62).
_ROOT_NAMES = {
    "00": "format", "01": "initiation", "52": "merchant_category", "53": "currency",
    "54": "amount", "55": "tip_indicator", "56": "fixed_fee", "57": "percent_fee", "58": "country",
    "59": "merchant_name", "60": "merchant_city", "61": "postal_code", "62": "additional",
    "63": "crc", "64": "merchant_language",
}
_ADDITIONAL_NAMES = {
    "01": "bill_number", "02": "mobile_number", "03": "store_label", "04": "loyalty_number",
    "05": "reference_label", "06": "customer_label", "07": "terminal_label", "08": "purpose",
}
# ISO 4217 numeric codes people in Kazakhstan meet most often.
CURRENCIES = {"398": "KZT", "643": "RUB", "840": "USD", "978": "EUR", "156": "CNY", "417": "KGS",
              "860": "UZS", "949": "TRY", "784": "AED", "051": "AMD", "981": "GEL"}


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMV QRCPS section 4.7.3 specifies."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _two_digits(text: str) -> bool:
    """Two ASCII digits: `str.isdigit` also accepts '²' and '٣', which `int` then refuses."""
    return len(text) == 2 and text.isascii() and text.isdigit()


def parse_tlv(text: str) -> list[tuple[str, str, int]]:
    """`ID LEN VALUE ...` -> [(id, value, offset of the ID)]; FormatError if lengths do not fit."""
    out: list[tuple[str, str, int]] = []
    i = 0
    while i < len(text):
        tag, length = text[i:i + 2], text[i + 2:i + 4]
        if not (_two_digits(tag) and _two_digits(length)):
            raise FormatError(f"broken EMV field at position {i}")
        end = i + 4 + int(length)
        if end > len(text):
            raise FormatError(f"EMV field {tag} runs past the end of the code")
        out.append((tag, text[i + 4:end], i))
        i = end
    return out


@dataclass(frozen=True)
class EmvPayment:
    """The fields of one merchant-presented payment code, plus what the CRC check found."""

    fields: dict[str, str]
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)
    additional: dict[str, str] = field(default_factory=dict)
    crc_given: str = ""
    crc_expected: str = ""

    @property
    def crc_ok(self) -> bool:
        return bool(self.crc_given) and self.crc_given.upper() == self.crc_expected

    def summary(self) -> dict[str, object]:
        """JSON-safe details for reports."""
        currency = self.fields.get("currency", "")
        return {
            "merchant_name": self.fields.get("merchant_name", ""),
            "merchant_city": self.fields.get("merchant_city", ""),
            "country": self.fields.get("country", ""),
            "currency": CURRENCIES.get(currency, currency),
            "amount": self.fields.get("amount", ""),
            "merchant_category": self.fields.get("merchant_category", ""),
            "dynamic": self.fields.get("initiation") == "12",
            "accounts": {tag: dict(sub) for tag, sub in self.accounts.items()},
            "additional": dict(self.additional),
            "crc": self.crc_given, "crc_expected": self.crc_expected, "crc_ok": self.crc_ok,
        }


def looks_like_emv(text: str) -> bool:
    return text.startswith("000201") and len(text) >= 20


def parse_emv(text: str) -> EmvPayment:
    """Parse and verify; FormatError when the TLV structure itself is broken."""
    items = parse_tlv(text)
    fields: dict[str, str] = {}
    accounts: dict[str, dict[str, str]] = {}
    additional: dict[str, str] = {}
    crc_given = crc_expected = ""
    for tag, value, offset in items:
        if tag == "63":
            if len(value) != 4 or offset + 8 != len(text):
                raise FormatError("EMV checksum field (63) malformed or not last")
            crc_given = value
            crc_expected = f"{crc16_ccitt(text[:offset + 4].encode('utf-8')):04X}"
        elif 2 <= int(tag) <= 51:
            # Merchant account templates: sub-TLV whose 00 is a globally unique id (domain-like).
            try:
                accounts[tag] = {sub: v for sub, v, _ in parse_tlv(value)}
            except FormatError:
                accounts[tag] = {"value": value}
        elif tag == "62":
            try:
                additional = {_ADDITIONAL_NAMES.get(s, s): v for s, v, _ in parse_tlv(value)}
            except FormatError:
                additional = {"value": value}
        elif tag in _ROOT_NAMES:
            fields[_ROOT_NAMES[tag]] = value
    if fields.get("format") != "01":
        raise FormatError("EMV payload format indicator is not 01")
    if not crc_given:
        raise FormatError("EMV code without a checksum (field 63)")
    return EmvPayment(fields, accounts, additional, crc_given, crc_expected)


def build_emv(fields: list[tuple[str, str]]) -> str:
    """Assemble a payload with a correct CRC (for tests and examples of real-world layouts)."""
    body = "".join(f"{tag}{len(value):02d}{value}" for tag, value in fields) + "6304"
    return body + f"{crc16_ccitt(body.encode('utf-8')):04X}"
