import pytest

from qa.core.config import TUNING, with_overrides
from qa.core.errors import ConfigError
from qa.settings import CORPUS_CONFIG, load_settings, load_tuning


def test_a_corpus_overrides_only_the_knobs_it_names(tmp_path):
    (tmp_path / CORPUS_CONFIG).write_text("[tuning.fusion]\ndense_weight = 1\n\n[tuning.refusal]\nmin_coverage = 0.5\n",
                                          encoding="utf-8")
    tuning = load_settings(corpus_dir=tmp_path).tuning
    assert tuning.fusion.dense_weight == 1.0 and tuning.refusal.min_coverage == 0.5
    assert tuning.fusion.bm25_weight == TUNING.fusion.bm25_weight and tuning.answer == TUNING.answer


def test_no_file_means_the_defaults(tmp_path):
    assert load_tuning(tmp_path / CORPUS_CONFIG) is TUNING


@pytest.mark.parametrize("text, named", [
    ("[tuning.fusion]\ndense_wieght = 0.5\n", "tuning.fusion.dense_wieght"),
    ("[tuning.retrieval]\nnearest = 2.5\n", "tuning.retrieval.nearest"),
    ("[tuning.fusion]\nmethod = 'average'\n", "average"),
    ("[tuning\n", CORPUS_CONFIG),
])
def test_a_bad_file_is_refused_naming_the_file_and_the_key(tmp_path, text, named):
    (tmp_path / CORPUS_CONFIG).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_tuning(tmp_path / CORPUS_CONFIG)
    assert named in raised.value.message and CORPUS_CONFIG in raised.value.message


def test_overrides_keep_the_types_of_the_defaults():
    assert with_overrides(TUNING, {"retrieval": {"nearest": 5}}).retrieval.nearest == 5
    with pytest.raises(ValueError, match="must be float"):
        with_overrides(TUNING, {"refusal": {"min_coverage": True}})


@pytest.mark.slow
def test_the_service_answers_with_the_corpus_tuning(built_service, tmp_path):
    """The same index, read with a corpus config that lists one nearest clause with a refusal
    and ranks by BM25 alone."""
    from qa.service import PolicyQA

    (tmp_path / CORPUS_CONFIG).write_text("[tuning.retrieval]\nnearest = 1\n\n[tuning.fusion]\ndense_weight = 0\n",
                                          encoding="utf-8")
    built_settings = built_service.settings  # the fixture builds the index this test reads
    tuned = PolicyQA(built_settings.model_copy(update={"corpus_dir": tmp_path}))
    default = PolicyQA(built_settings)
    question = "上海市2019年的房价调控政策是什么？"
    assert len(tuned.ask(question, mode="offline").nearest) == 1 < len(default.ask(question, mode="offline").nearest)
    assert tuned.retriever.fusion.dense_weight == 0.0


def test_a_settings_copy_for_another_corpus_reads_that_corpus_tuning(tmp_path):
    from qa.settings import load_settings

    first, other = tmp_path / "first", tmp_path / "other"
    first.mkdir()
    other.mkdir()
    (other / CORPUS_CONFIG).write_text("[tuning.retrieval]\nnearest = 1\n", encoding="utf-8")
    settings = load_settings(corpus_dir=first, home=tmp_path / "home")
    assert settings.tuning.retrieval.nearest != 1  # read, and cached, before the copy is made
    copied = settings.model_copy(update={"corpus_dir": other})
    assert copied.tuning.retrieval.nearest == 1 and copied.cache_dir == settings.cache_dir
