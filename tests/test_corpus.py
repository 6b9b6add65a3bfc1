"""The course corpus: reproducible, big enough, and showing the lecture's phenomena."""

import time
from collections import Counter, defaultdict

import pytest

from course_lib.corpus import (
    corpus_stats,
    generate_corpus,
    is_left_cue_case,
    is_right_cue_case,
)
from course_lib.corpus import vocabulary as V
from course_lib.corpus.cases import CITY_TYPES
from course_lib.corpus.cli import main
from course_lib.data import Example, default_data_dir, load_corpus
from course_lib.metrics import get_spans

FILES = ("seq.in", "seq.out", "label")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(default_data_dir())


def _role(tag: str) -> str:
    return tag[2:].split(".")[0]


def test_regenerating_reproduces_committed_files_byte_for_byte(tmp_path):
    start = time.perf_counter()
    main([str(tmp_path)])
    assert time.perf_counter() - start < 3.0
    for split in ("train", "dev", "test"):
        for name in FILES:
            committed = (default_data_dir() / split / name).read_bytes()
            assert (tmp_path / split / name).read_bytes() == committed, f"{split}/{name}"


def test_generation_is_seeded():
    small = {"train": 40, "dev": 10, "test": 10}
    assert generate_corpus(1, small) == generate_corpus(1, small)
    assert generate_corpus(1, small) != generate_corpus(2, small)


def test_readme_tables_are_the_stats_output(corpus):
    readme = (default_data_dir() / "README.md").read_text(encoding="utf-8")
    begin = readme.index("-->\n", readme.index("<!-- stats:begin")) + 4
    end = readme.index("<!-- stats:end -->")
    assert readme[begin:end] == corpus_stats(corpus) + "\n"


def test_sizes_slots_vocabulary_intents(corpus):
    assert [len(corpus[s]) for s in ("train", "dev", "test")] >= [4000, 500, 500]
    assert min(len(corpus["dev"]), len(corpus["test"])) >= 500
    slot_types = {t for ex in corpus["train"] for t, _, _ in get_spans(ex.tags)}
    assert len(slot_types) >= 15
    assert {"fromloc.city_name", "toloc.city_name", "depart_date.month_name",
            "depart_date.day_number", "depart_time.period_of_day", "airline_name",
            "class_type", "round_trip"} <= slot_types
    assert len({w for ex in corpus["train"] for w in ex.tokens}) >= 300
    assert {ex.intent for ex in corpus["train"]} >= {"flight", "airfare", "flight_time",
                                                     "airline"}
    multi = Counter(t for ex in corpus["train"] for t, s, e in get_spans(ex.tags) if e - s > 1)
    assert multi["toloc.city_name"] > 100 and multi["depart_date.day_number"] > 50
    assert multi["airline_name"] > 50 and multi["depart_time.time"] > 50
    train_tags = {t for ex in corpus["train"] for t in ex.tags}
    assert {t for s in ("dev", "test") for ex in corpus[s] for t in ex.tags} <= train_tags
    texts = [" ".join(ex.tokens) for split in corpus.values() for ex in split]
    assert len(set(texts)) == len(texts)  # no utterance repeated within or across splits
    size = sum((default_data_dir() / s / f).stat().st_size for s in corpus for f in FILES)
    assert size < 3_000_000


def test_held_out_cities(corpus):
    def cities(examples):
        return {" ".join(ex.tokens[s:e]) for ex in examples
                for t, s, e in get_spans(ex.tags) if t.endswith("city_name")}

    train, test = cities(corpus["train"]), cities(corpus["test"])
    assert not train & set(V.HELDOUT_CITIES)
    assert len(test - train) / len(test) >= 0.2


def _majority_tagger(train):
    counts = defaultdict(Counter)
    for ex in train:
        for w, t in zip(ex.tokens, ex.tags, strict=True):
            counts[w][t] += 1
    overall = Counter(t for ex in train for t in ex.tags).most_common(1)[0][0]
    best = {w: min(c, key=lambda t: (-c[t], t)) for w, c in counts.items()}
    return lambda w: best.get(w, overall)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_memoryless_baseline_fails_where_the_left_cue_decides(corpus, split):
    tag_of = _majority_tagger(corpus["train"])
    train_words = {w for ex in corpus["train"] for w in ex.tokens}
    n = n_seen = hits = hits_seen = cue_hits = 0
    for ex in corpus[split]:
        idx = is_left_cue_case(ex)
        if not idx:
            continue
        k = idx[0] - 1
        while ex.tokens[k] in V.CUE_SKIP:
            k -= 1
        cue_role = "toloc" if ex.tokens[k] in V.ARRIVE_VERBS else "fromloc"
        for i in idx:
            n += 1
            hit = tag_of(ex.tokens[i]) == ex.tags[i]
            hits += hit
            cue_hits += _role(ex.tags[i]) == cue_role
            if ex.tokens[i] in train_words:  # held-out cities are trivially missed
                n_seen += 1
                hits_seen += hit
    assert n >= 100 and n_seen >= 50
    assert hits / n <= 0.6 and hits_seen / n_seen <= 0.6  # exactly 0.5 on seen cities
    assert cue_hits == n  # the verb decides every one of them


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_right_cue_cases_are_undecidable_from_the_left(corpus, split):
    by_left = defaultdict(Counter)
    n = cue_hits = 0
    for ex in corpus[split]:
        idx = is_right_cue_case(ex)
        if not idx:
            continue
        cue = next(w for w in ex.tokens[idx[-1] + 1:] if w in V.RIGHT_CUE_ROLE)
        for i in idx:
            n += 1
            cue_hits += V.RIGHT_CUE_ROLE[cue] == _role(ex.tags[i])
            by_left[tuple(ex.tokens[: i + 1])][_role(ex.tags[i])] += 1
    # best possible left-to-right tagger: the majority role of each left context
    best = sum(max(c.values()) for c in by_left.values())
    assert n >= 60 and cue_hits == n
    assert best / n <= 0.5 + 1e-12


def test_cue_helpers_on_the_lecture_pair():
    arrive = Example("arrive taipei on november 2nd".split(),
                     ["O", "B-toloc.city_name", "O", "B-arrive_date.month_name",
                      "B-arrive_date.day_number"], "flight")
    right = Example("i want new york as my origin".split(),
                    ["O", "O", "B-fromloc.city_name", "I-fromloc.city_name", "O", "O", "O"],
                    "flight")
    route = Example("from boston to denver".split(),
                    ["O", "B-fromloc.city_name", "O", "B-toloc.city_name"], "flight")
    assert is_left_cue_case(arrive) == [1] and is_right_cue_case(arrive) == []
    assert is_right_cue_case(right) == [2, 3] and is_left_cue_case(right) == []
    assert is_left_cue_case(route) == is_right_cue_case(route) == []


def test_left_cue_skips_fillers_and_prepositions():
    ex = Example("i want to arrive uh well in taipei".split(),
                 ["O"] * 7 + ["B-toloc.city_name"], "flight")
    assert is_left_cue_case(ex) == [7]
    no_cue = Example("i want uh well taipei".split(), ["O"] * 4 + ["B-toloc.city_name"], "flight")
    assert is_left_cue_case(no_cue) == []


def test_city_types_constant():
    assert CITY_TYPES == ("fromloc.city_name", "toloc.city_name")


def _files(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_writing_refuses_to_change_existing_files_without_force(tmp_path, capsys):
    assert main([str(tmp_path / "c")]) == 0
    assert "created" in capsys.readouterr().out
    before = _files(tmp_path / "c")
    assert len(before) == 9
    assert main([str(tmp_path / "c")]) == 0  # the same corpus again: nothing changes
    assert "0 replaced, 9 unchanged, 0 new" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:
        main([str(tmp_path / "c"), "--seed", "1"])
    assert exit_.value.code == 2
    assert "would overwrite 9 existing file(s)" in capsys.readouterr().err
    assert _files(tmp_path / "c") == before
    assert main([str(tmp_path / "c"), "--seed", "1", "--force"]) == 0
    assert "9 replaced" in capsys.readouterr().out
    assert _files(tmp_path / "c") != before


def test_the_courses_data_folder_is_not_overwritten_with_another_seed(capsys):
    before = _files(default_data_dir())
    with pytest.raises(SystemExit) as exit_:
        main([str(default_data_dir()), "--seed", "1"])
    assert exit_.value.code == 2 and "--force" in capsys.readouterr().err
    assert _files(default_data_dir()) == before


@pytest.mark.parametrize("args, message", [
    (["{tmp}/no/such/dir"], "its parent folder {tmp}/no/such does not exist"),
    (["{tmp}/file"], "{tmp}/file: is a file, not a folder"),
    (["--stats", "{tmp}/file"], "{tmp}/file: is a file, not a folder"),
    (["--stats", "{tmp}"], "{tmp}: missing split 'train'"),
])
def test_bad_folders_exit_2_with_a_message_naming_them(tmp_path, capsys, args, message):
    (tmp_path / "file").write_text("x")
    with pytest.raises(SystemExit) as exit_:
        main([a.format(tmp=tmp_path) for a in args])
    assert exit_.value.code == 2
    assert message.format(tmp=tmp_path) in capsys.readouterr().err
    assert not (tmp_path / "no").exists()
