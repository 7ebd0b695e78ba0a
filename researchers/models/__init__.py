from .author import Author, ClaimState

__all__ = ["Author", "ClaimState"]
