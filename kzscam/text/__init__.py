"""Text understanding: normalisation, entity extraction and the text example runner."""
