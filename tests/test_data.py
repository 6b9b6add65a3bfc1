"""Loader errors (one malformed file each); vocabularies and batches: test_batching.py."""

from pathlib import Path

import pytest

from course_lib.data import CorpusFormatError, Example, default_data_dir, load_corpus, load_split

GOOD = {
    "seq.in": "i want to arrive in taipei \nleave new york on november 2nd\n",
    "seq.out": "O O O O O B-toloc.city_name\n"
               "O B-fromloc.city_name I-fromloc.city_name O B-depart_date.month_name "
               "B-depart_date.day_number \n",
    "label": "flight\nflight\n",
}


def write_split(folder: Path, **override) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**GOOD, **override}.items():
        if text is None:
            continue
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def write_corpus(root: Path, dev_name: str = "dev") -> Path:
    for split in ("train", dev_name, "test"):
        write_split(root / split)
    return root


def test_good_split_with_trailing_spaces(tmp_path):
    examples = load_split(write_split(tmp_path / "train"))
    assert examples[0] == Example(["i", "want", "to", "arrive", "in", "taipei"],
                                  ["O"] * 5 + ["B-toloc.city_name"], "flight")
    assert examples[1].tokens[1:3] == ["new", "york"] and len(examples) == 2


def test_crlf_line_endings_and_byte_order_mark(tmp_path):
    crlf = {k: v.replace("\n", "\r\n") for k, v in GOOD.items()}
    crlf["seq.in"] = "\ufeff" + crlf["seq.in"]
    examples = load_split(write_split(tmp_path / "s", **crlf))
    assert examples[1].intent == "flight" and examples[0].tokens[0] == "i"


@pytest.mark.parametrize("name,text,message", [
    ("seq.out", "O O O O O B-toloc.city_name\nO B-fromloc.city_name O\n",
     r"seq.out, line 2: 3 tags for 6 tokens"),
    ("seq.out", "O O O O O I-toloc.city_name\n" + GOOD["seq.out"].split("\n")[1] + "\n",
     r"seq.out, line 1, token 6: 'I-toloc.city_name' follows 'O'"),
    ("seq.out", "O O O O O B-toloc.city_name\nO B-fromloc.city_name I-toloc.city_name O "
     "B-depart_date.month_name B-depart_date.day_number\n",
     r"line 2, token 3: 'I-toloc.city_name' follows 'B-fromloc.city_name'"),
    ("seq.out", "O O O O O B-\n" + GOOD["seq.out"].split("\n")[1] + "\n",
     r"line 1, token 6: tag 'B-' is not"),
    ("seq.in", b"i want to arrive in taipei\nleave new york on november 2\xffnd\n",
     r"seq.in, line 2: invalid UTF-8 \(invalid start byte at byte 29 of the line\)"),
    ("seq.in", b"\xef\xbb\xbfi want to arrive in taip\xffei\nleave new york on november 2nd\n",
     r"seq.in, line 1: invalid UTF-8 \(invalid start byte at byte 25 of the line\)"),
    ("seq.in", "", r"seq.in: file is empty"),
    ("label", " \n", r"label: file is empty"),
    ("label", "flight\n", r"different line counts .*'label': 1"),
    ("label", "flight\n \nflight\n", r"different line counts .*'label': 3"),
    ("label", "flight\n\t\n", r"different line counts .*'label': 1.*not counted"),
    ("label", "\nflight\n", r"label, line 1: empty intent"),
    ("seq.in", "\nleave new york on november 2nd\n", r"seq.in, line 1: empty utterance"),
    ("seq.out", None, r"seq.out: file not found"),
])
def test_malformed_files_raise_with_file_and_line(tmp_path, name, text, message):
    folder = write_split(tmp_path / "train", **{name: text})
    if text is None:
        (folder / name).unlink(missing_ok=True)
    with pytest.raises(CorpusFormatError, match=message) as info:
        load_split(folder)
    assert str(folder / name) in str(info.value) or "line counts" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_orphan_i_kept_unchanged_when_not_strict(tmp_path):
    folder = write_split(tmp_path / "s", **{"seq.out": "O O O O O I-toloc.city_name\n"
                                            + GOOD["seq.out"].split("\n")[1] + "\n"})
    examples = load_split(folder, strict_iob=False)
    assert examples[0].tags[-1] == "I-toloc.city_name"
    # malformed tags are rejected even when not strict
    write_split(folder, **{"seq.out": "O O O O O X\n" + GOOD["seq.out"].split("\n")[1] + "\n"})
    with pytest.raises(CorpusFormatError, match="tag 'X'"):
        load_split(folder, strict_iob=False)


def test_load_corpus_dev_or_valid(tmp_path):
    for dev_name in ("dev", "valid"):
        corpus = load_corpus(write_corpus(tmp_path / dev_name, dev_name))
        assert sorted(corpus) == ["dev", "test", "train"] and len(corpus["dev"]) == 2


def test_load_corpus_missing_or_ambiguous_split(tmp_path):
    root = write_corpus(tmp_path / "c")
    (root / "test" / "label").unlink()
    with pytest.raises(CorpusFormatError, match=r"test.label: file not found"):
        load_corpus(root)
    for f in (root / "test").iterdir():
        f.unlink()
    (root / "test").rmdir()
    with pytest.raises(CorpusFormatError, match=r"missing split 'test'"):
        load_corpus(root)
    write_split(root / "test")
    write_split(root / "valid")
    with pytest.raises(CorpusFormatError, match="both dev/ and valid/"):
        load_corpus(root)
    with pytest.raises(CorpusFormatError, match="corpus folder not found"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(CorpusFormatError, match="split folder not found"):
        load_split(tmp_path / "nowhere")


def test_course_corpus_loads_strictly():
    corpus = load_corpus(default_data_dir())
    assert {k: len(v) >= 500 for k, v in corpus.items()} == {"train": True, "dev": True,
                                                             "test": True}


def test_a_file_a_split_or_a_corpus_where_another_is_expected(tmp_path):
    root = write_corpus(tmp_path / "c")
    with pytest.raises(CorpusFormatError, match=r"seq.in: is a file, not a corpus folder"):
        load_corpus(root / "train" / "seq.in")
    with pytest.raises(CorpusFormatError, match=r"train: one split .* not a corpus folder; "
                                                rf"give the folder .*: probably {root}$"):
        load_corpus(root / "train")
    with pytest.raises(CorpusFormatError, match=r"c: a corpus folder \(with train, dev, test\), "
                                                r"not one split; give a split folder, e.g. "):
        load_split(root)
    with pytest.raises(CorpusFormatError, match=r"label: is a file, not a split folder .*; give "
                                                r"the folder holding it"):
        load_split(root / "dev" / "label")


@pytest.mark.parametrize("end", ["\n", "\n\n", "\n \n\n", "\r\n\r\n", "\n\t\n", ""])
def test_blank_lines_at_the_end_of_a_file_are_ignored(tmp_path, end):
    """As predict ignores them: a file saved with an extra blank line at its end loads; one
    file may have them and the others not."""
    want = load_split(write_split(tmp_path / "plain"))
    folder = write_split(tmp_path / "s", **{"seq.in": GOOD["seq.in"].rstrip("\n") + end,
                                            "label": GOOD["label"] + "\n\n"})
    assert load_split(folder) == want
