"""Similar papers: all-MiniLM-L6-v2 from its wheel, embedded by the `embed` task, neighbours precomputed."""

import numpy as np
import pytest

from papers.discovery import similarity
from papers.discovery.embeddings import encoder
from papers.discovery.models import PaperEmbedding, SimilarPaper
from papers.discovery.tasks import embed_new_papers
from tests.factories import AuthorshipFactory, PaperFactory, PaperTopicFactory, TopicFactory

pytestmark = pytest.mark.django_db

QUANT = "Binary neural networks: quantization-aware training of weights and activations to one bit."
COSMO = "Dark matter halos and galaxy rotation curves in cosmological N-body simulations."


@pytest.fixture(autouse=True)
def embeddings_dir(settings, tmp_path):
    settings.EMBEDDINGS_DIR = tmp_path / "embeddings"


def test_the_encoder_reproduces_the_published_all_minilm_l6_v2_vectors():
    # Reference: sentence-transformers/all-MiniLM-L6-v2 on "This is an example sentence" (model card).
    vector = encoder().encode(["This is an example sentence"])[0]
    assert vector.shape == (384,) and abs(np.linalg.norm(vector) - 1) < 1e-5
    np.testing.assert_allclose(vector[:5], [0.0676569, 0.0634959, 0.0487131, 0.0793050, 0.0374480], atol=1e-5)


def test_the_embed_task_embeds_new_papers_in_batches_and_stores_neighbours_with_a_why(
    client, django_capture_on_commit_callbacks
):
    topic = TopicFactory(name="binarization", slug="binarization")
    quant = [PaperFactory(title=f"Binarized transformers {n}", abstract=QUANT) for n in range(3)]
    for paper in quant:
        PaperTopicFactory(paper=paper, topic=topic)
    astro = [PaperFactory(title=f"Galaxy halos {n}", abstract=COSMO, categories=["astro-ph.GA"]) for n in range(3)]
    AuthorshipFactory(paper=astro[0], position=0)
    AuthorshipFactory(paper=astro[1], position=0, author=astro[0].authorships.get().author)

    with django_capture_on_commit_callbacks(execute=True):  # the index file is written on commit
        assert embed_new_papers.delay(batch_size=4).get() == 4  # eager here: the next batch ran too
    assert PaperEmbedding.objects.count() == 6
    assert similarity.index_path().exists()
    nearest = SimilarPaper.objects.get(paper=quant[0], rank=0)
    assert nearest.neighbour_id in {p.pk for p in quant[1:]}
    assert nearest.why == "Shared topic: binarization" and nearest.score > 0.8
    assert SimilarPaper.objects.get(paper=astro[0], rank=0).why.startswith("Shared author: ")

    html = client.get(f"/papers/{quant[0].arxiv_id}/similar/").content.decode()
    assert html.index(quant[1].title if nearest.neighbour_id == quant[1].pk else quant[2].title) < html.index(
        astro[0].title)
    body = client.get(f"/api/papers/{quant[0].arxiv_id}/").json()
    assert body["similar"][0]["arxiv_id"] == nearest.neighbour.arxiv_id
    assert body["similar"][0]["why"] == "Shared topic: binarization"


def test_a_lost_index_file_is_rebuilt_from_the_stored_vectors(django_capture_on_commit_callbacks):
    for n in range(3):
        PaperFactory(title=f"Paper {n}", abstract=QUANT)
    with django_capture_on_commit_callbacks(execute=True):
        similarity.embeddings_extend(batch_size=10)
    similarity.index_path().unlink()
    PaperFactory(title="Late arrival", abstract=QUANT)
    assert similarity.embeddings_extend(batch_size=10) == 1
    assert len(similarity.load_index()) == 4


def test_the_similar_partial_is_one_query_and_says_when_not_computed_yet(client, django_assert_num_queries):
    paper, other = PaperFactory(), PaperFactory()
    SimilarPaper.objects.create(paper=paper, neighbour=other, rank=0, score=0.9, why="Shared topic: x")
    with django_assert_num_queries(1):
        # 1 the neighbours with their papers (through the paper's arxiv_id)
        html = client.get(f"/papers/{paper.arxiv_id}/similar/").content.decode()
    assert other.title in html and "Shared topic: x" in html
    html = client.get(f"/papers/{other.arxiv_id}/similar/").content.decode()
    assert "not computed yet" in html
    assert client.get("/papers/2499.99999/similar/").status_code == 404
    assert f'hx-get="/papers/{paper.arxiv_id}/similar/"' in client.get(f"/papers/{paper.arxiv_id}/").content.decode()


def test_the_graph_slice_shows_papers_near_the_authors_works_by_meaning():
    from graph.slices import build_slice

    mine = AuthorshipFactory(position=0)
    near = PaperFactory(title="A paper close in meaning")
    SimilarPaper.objects.create(paper=mine.paper, neighbour=near, rank=0, score=0.87, why="")
    elements = build_slice(mine.author_id).elements
    node = next(n["data"] for n in elements["nodes"] if n["data"].get("arxiv_id") == near.arxiv_id)
    assert node["reason"] == "similar" and node["nearby"] is True
    edge = next(e["data"] for e in elements["edges"] if e["data"]["target"] == node["id"])
    assert edge["type"] == "nearby" and "similar in meaning (0.87)" in edge["label"]
