"""The shared URL and domain inspector: parsing like a browser, registrable domains, which brand a
link imitates, tricks in the address and what the link does. Entry points: `kzscam.url.inspect`
(`inspect_url`; the `check-url` report is built by `kzscam.pipeline.url`) and `kzscam.url.display.visible`."""
