"""An ensemble of taggers decodes the best sequence under the members' mean score (brute force
over every valid IOB2 sequence, scored by each member's own CRF or softmax), picks the intent
of the highest mean log-probability, and refuses taggers of different corpora."""

import itertools

import pytest
import torch

from course_lib.batching import bucketed_batches, build_vocabs, to_tensors
from course_lib.data import Example
from course_lib.tagger.decode import is_valid_iob2, predict
from course_lib.tagger.ensemble import EnsembleTagger, ensemble
from course_lib.tagger.evaluate import evaluate
from course_lib.tagger.io import load_tagger, save_tagger
from course_lib.tagger.model import SlotTagger, make_config

EXAMPLES = [Example(["fly", "to", "new", "york"], ["O", "O", "B-to", "I-to"], "flight"),
            Example(["from", "boston"], ["O", "B-from"], "flight"),
            Example(["fare", "to", "denver"], ["O", "O", "B-to"], "airfare"),
            Example(["from", "new", "york", "today"], ["O", "B-from", "I-from", "B-date"],
                    "flight#airfare")]
# utterances to tag: seen and unseen words, lengths 1 to 3 (brute force stays small)
SENTENCES = [["to", "york"], ["fare", "from", "seattle"], ["today"], ["new", "new", "york"]]


def member(vocabs, seed, crf=True, token_intent=True):
    torch.manual_seed(seed)
    model = SlotTagger(make_config(vocabs, hidden_size=8, embedding_dim=6, char_channels=5,
                                   crf=crf, token_intent=token_intent, intent_to_slots=True))
    if crf:  # untrained transitions are 0: make them matter
        with torch.no_grad():
            for p in model.crf.parameters():
                p.normal_(std=2.0)
    return model.eval()


def scorer(model, tokens, vocabs):
    """The member's intent log-probabilities for one utterance, and a function giving its own
    score of a tag sequence (its CRF score, or the summed log-softmax)."""
    ex = Example(tokens, ["O"] * len(tokens), "")
    (_, batch), = bucketed_batches([ex], vocabs, 1, seed=None, with_tags=False)
    tb = to_tensors(batch)
    out = model(tb.tokens, tb.lengths, tb.chars)

    def score(tags):
        ids = torch.tensor([vocabs.tags.encode(tags)])
        if model.crf is not None:
            return float(model.crf.score(out.slots, ids, torch.ones_like(ids, dtype=torch.bool)))
        return float(out.slots.log_softmax(-1).gather(2, ids.unsqueeze(2)).sum())
    return out.intent.log_softmax(-1)[0], score


@pytest.mark.parametrize("crf", [True, False])
def test_ensemble_decodes_the_best_sequence_and_intent_under_the_mean_score(crf):
    vocabs = build_vocabs(EXAMPLES)
    members = [member(vocabs, seed, crf) for seed in range(3)]
    model, v = ensemble([(m, vocabs) for m in members])
    examples = [Example(s, ["O"] * len(s), "") for s in SENTENCES]
    got = predict(model, examples, v)
    real = [t for t in vocabs.tags.itos if t != "<pad>"]
    singles = [predict(m, examples, vocabs) for m in members]
    for tokens, pred in zip(SENTENCES, got, strict=True):
        with torch.no_grad():
            intents, scores = zip(*(scorer(m, tokens, vocabs) for m in members), strict=True)
            valid = [list(t) for t in itertools.product(real, repeat=len(tokens))
                     if is_valid_iob2(list(t))]
            best = max(valid, key=lambda tags: sum(score(tags) for score in scores))
        assert pred.tags == best
        logp = torch.stack(intents).mean(0)
        assert pred.intent == vocabs.intents.itos[int(logp.argmax())]
        assert pred.intent_probability == pytest.approx(float(logp.softmax(-1).max()), abs=1e-6)
    # the members disagree somewhere, so the test can tell an ensemble from one member
    assert any(s[i].tags != got[i].tags or s[i].intent != got[i].intent
               for s in singles for i in range(len(got)))


@pytest.mark.parametrize("crf", [True, False])
def test_an_ensemble_of_one_or_of_copies_predicts_as_the_tagger(crf):
    vocabs = build_vocabs(EXAMPLES)
    one = member(vocabs, 0, crf)
    alone = predict(one, EXAMPLES, vocabs)
    for copies in (1, 3):
        model, v = ensemble([(one, vocabs)] * copies)
        preds = predict(model, EXAMPLES, v)
        assert [p.tags for p in preds] == [p.tags for p in alone]
        assert [p.intent for p in preds] == [p.intent for p in alone]
        assert [p.intent_probability for p in preds] == pytest.approx(
            [p.intent_probability for p in alone], abs=1e-6)
    assert evaluate(model, EXAMPLES, v) == evaluate(one, EXAMPLES, vocabs)


def test_the_ensemble_averages_crf_scores_and_keeps_padding_zero():
    vocabs = build_vocabs(EXAMPLES)
    members = [member(vocabs, seed) for seed in range(2)]
    model = EnsembleTagger(members)
    for name in ("transitions", "start", "end"):
        mean = (getattr(members[0].crf, name) + getattr(members[1].crf, name)) / 2
        assert torch.allclose(getattr(model.crf, name), mean)
    assert EnsembleTagger([member(vocabs, 0, crf=False)]).crf is None
    tokens, lengths = torch.tensor([[2, 3, 0], [4, 0, 0]]), torch.tensor([2, 1])
    chars = torch.ones(2, 3, 4, dtype=torch.long)
    for crf in (True, False):
        out = EnsembleTagger([member(vocabs, s, crf) for s in range(2)])(tokens, lengths, chars)
        assert (out.slots[0, 2] == 0).all() and (out.slots[1, 1:] == 0).all()


def test_ensemble_refuses_taggers_of_different_corpora():
    vocabs = build_vocabs(EXAMPLES)
    other = build_vocabs(EXAMPLES + [Example(["to", "rome"], ["O", "B-city"], "flight")])
    with pytest.raises(ValueError, match="at least one"):
        ensemble([])
    with pytest.raises(ValueError, match="at least one"):
        EnsembleTagger([])
    with pytest.raises(ValueError, match="tagger 2's words vocabulary differs"):
        ensemble([(member(vocabs, 0), vocabs), (member(other, 1), other)])
    with pytest.raises(ValueError, match="tagger 2 has a softmax output layer, tagger 1 a CRF"):
        ensemble([(member(vocabs, 0), vocabs), (member(vocabs, 1, crf=False), vocabs)])
    no_intent = SlotTagger(make_config(vocabs, intents=False, hidden_size=8, embedding_dim=6,
                                       char_channels=5))
    with pytest.raises(ValueError, match="tagger 3 has no intent head, tagger 1 3 intents"):
        ensemble([(member(vocabs, 0), vocabs)] * 2 + [(no_intent, vocabs)])


def test_an_ensemble_is_not_saved_as_one_tagger(tmp_path):
    vocabs = build_vocabs(EXAMPLES)
    model, v = ensemble([(member(vocabs, s), vocabs) for s in range(2)])
    with pytest.raises(TypeError, match="save an ensemble's members one by one"):
        save_tagger(tmp_path / "e.pt", model, v)
    assert list(tmp_path.iterdir()) == []
    save_tagger(tmp_path / "m.pt", model.members[0], v)  # a member is one tagger
    assert predict(load_tagger(tmp_path / "m.pt")[0], EXAMPLES, v) == predict(
        model.members[0], EXAMPLES, v)
