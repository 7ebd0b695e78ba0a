"""Synthetic arXiv corpus in the Kaggle snapshot format, with ground truth for every byline.

Used by ``manage.py generate_corpus`` (demo data, benchmarks) and by the disambiguation work,
which scores itself against the truth sidecar. See ``world`` for the shape of the data and
``corpus`` for the file formats.
"""

from devdata.corpus import CorpusStats, arxiv_ids, generate_corpus, sidecar_paths
from devdata.world import World, build_world

__all__ = ["CorpusStats", "World", "arxiv_ids", "build_world", "generate_corpus", "sidecar_paths"]
