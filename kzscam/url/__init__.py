"""The shared URL and domain inspector: parsing like a browser, registrable domains, which brand a
link imitates, tricks in the address and what the link does. Entry points: `kzscam.url.inspect`
(`inspect_url`, `url_report`) and `kzscam.url.display.visible`."""
