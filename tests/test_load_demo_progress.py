"""load_demo shows progress: tqdm on a terminal, a line every N records otherwise."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from papers.management.commands.load_demo import Progress

pytestmark = pytest.mark.django_db(transaction=True)


def test_without_a_terminal_load_demo_prints_a_line_every_n_records(tmp_path, monkeypatch):
    monkeypatch.setattr("papers.ingest.load.pipeline.DEFAULT_BATCH_SIZE", 50)
    out = io.StringIO()
    call_command("load_demo", papers=300, no_samples=True, out=str(tmp_path / "demo.jsonl.gz"), progress_every=100,
                 stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("demo: importing the synthetic")]
    assert lines[0] == "demo: importing the synthetic corpus: 100/300 papers (33%)"
    assert lines[-1] == "demo: importing the synthetic corpus: 300/300 papers (100%)"
    assert "synthetic corpus imported" in out.getvalue()


def test_progress_lines_skip_nothing_when_batches_are_larger_than_n():
    out = io.StringIO()
    progress = Progress(OutputWrapper(out), total=None, unit="record", every=100, label="demo")
    for n in (250, 30, 30):
        progress.add(n)
    assert out.getvalue().splitlines() == ["demo: 250 records", "demo: 310 records"]


def test_on_a_terminal_the_progress_is_a_tqdm_bar(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stderr", Tty())
    out = Tty()
    progress = Progress(out, total=10, unit="paper", every=1, label="demo")
    progress.add(10)
    progress.close()
    assert out.getvalue() == ""  # no plain lines: the bar drew on stderr
    assert "paper/s" in __import__("sys").stderr.getvalue()
