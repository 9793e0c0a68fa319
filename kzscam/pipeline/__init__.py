"""One pipeline per subject: detectors compose here, the engine stamps and combines.

`text` (text rules, the learned detector and the URL inspector on every link), `url`, `qr`
(an image: frames, codes, each code through the QR checks, the URL inspector and the text
pipeline), `host` (collectors, the judge, one part per tool) and `chat` (messages through the
text pipeline, senders through the chains). The API calls these; the commands call the API.
"""
