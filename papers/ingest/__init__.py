"""arXiv ingestion: streaming parsers for every public format feeding one set-based loader."""
