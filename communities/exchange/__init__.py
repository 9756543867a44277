"""Community files: load a whole community from YAML or JSON, and export it back."""

from communities.exchange.export import export_community
from communities.exchange.files import read_document, write_document
from communities.exchange.load import load_community

__all__ = ["export_community", "load_community", "read_document", "write_document"]
