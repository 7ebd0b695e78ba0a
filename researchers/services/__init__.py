"""Writes for the researchers app: claims, follows, collaboration, profiles and digests.

Each module's functions are named <entity>_<action>, take keyword-only arguments, run in a
transaction and raise researchers.services.errors.ServiceError subclasses on refusal.
"""
