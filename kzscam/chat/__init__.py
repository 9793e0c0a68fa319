"""Telegram and WhatsApp chat exports: safe readers, conversation steps and whole-chat verdicts.

`kzscam.chat.analyse.check_chat(path, ...)` is the entry point; readers live in `telegram.py`
and `whatsapp.py`, input handling (format detection, zip safety, limits) in `source.py`.
"""
