"""English or Bahasa Indonesia (issue 10): the negotiation, the messages, the catalogue's
completeness, and no error anywhere in app/ whose words bypass the catalogue."""

import ast
import builtins
import copy
import importlib
import pkgutil
import string
from pathlib import Path
from typing import Any

import pytest

import app
from app import i18n
from app.claims.models import Relationship
from app.claims.workflow import ClaimAction
from app.enrolments.eligibility import ReasonCode, reason
from app.enrolments.roster_values import ACCEPTED, COLUMNS
from app.errors import _STATUS_CODES, DomainError, NotFound
from app.i18n import Language, msg
from app.i18n.catalogue import MESSAGES, TITLES

APP = Path(app.__file__).parent


def _modules() -> dict[Path, Any]:
    """Every module of app/ by its file, imported (so that every DomainError exists)."""
    modules = {}
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if module.__file__:
            modules[Path(module.__file__)] = module
    return modules


MODULES = _modules()


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


DOMAIN_ERRORS = sorted(_subclasses(DomainError) | {DomainError}, key=lambda c: c.__qualname__)


class TestNegotiation:
    @pytest.mark.parametrize(
        ("header", "language"),
        [
            (None, Language.en),
            ("", Language.en),
            ("id", Language.id),
            ("id-ID", Language.id),
            ("ID-id", Language.id),
            ("in", Language.id),  # the withdrawn code older Java/Android clients send
            ("en", Language.en),
            ("en-US,en;q=0.9,id;q=0.8", Language.en),
            ("id;q=0.9, en;q=0.8", Language.id),
            ("en;q=0.5, id;q=0.9", Language.id),
            ("id;q=0.1, en", Language.en),
            ("fr-FR, id-ID;q=0.7, en;q=0.3", Language.id),
            ("fr, de", Language.en),
            ("*", Language.en),
            ("id;q=0", Language.en),
            ("id;q=abc, en;q=0.2", Language.en),
            ("en;q=0.8, id;q=0.8", Language.en),  # a tie: the first listed
            ("id ; q=0.7 ,en;q=0.6", Language.id),
            (";;,,", Language.en),
        ],
    )
    def test_the_best_supported_language_else_english(
        self, header: str | None, language: Language
    ) -> None:
        assert i18n.negotiate(header) is language


class TestMessages:
    def test_a_message_is_its_english_text(self) -> None:
        message = msg("region.unknown", code="3514")
        assert message == "Region 3514 is not registered."
        assert isinstance(message, str) and f"{message}" == message
        assert message.render(Language.id) == "Wilayah 3514 tidak terdaftar."

    def test_rupiah_group_thousands_with_dots_in_indonesian(self) -> None:
        message = msg("reason.budget_exhausted", cost_idr=201_600, remaining_idr=10_000)
        assert message == "The cost Rp 201,600 exceeds the remaining budget Rp 10,000."
        assert message.render(Language.id) == ("Biaya Rp 201.600 melebihi sisa anggaran Rp 10.000.")

    def test_lists_take_the_language_s_conjunction_and_nested_messages_follow(self) -> None:
        facts = (msg("nik.birth_date"), msg("nik.sex"))
        message = msg("reason.nik_mismatch", facts=facts)
        assert message == "The NIK does not agree with the stated birth date and sex."
        assert message.render(Language.id) == (
            "NIK tidak sesuai dengan tanggal lahir dan jenis kelamin yang dicantumkan."
        )
        either = msg("enrolment.status", status="rejected", allowed=["pending", "active"])
        assert either == "The enrolment is rejected; this needs pending or active."
        assert "pending atau active" in either.render(Language.id)

    def test_a_message_survives_copying_and_an_unknown_id_fails_at_once(self) -> None:
        message = msg("program.not_found", id="x")
        copied = copy.deepcopy(message)
        assert copied == message and copied.render(Language.id) == "Program x tidak ditemukan."
        with pytest.raises(KeyError):
            msg("no.such.message")

    def test_a_shared_reason_renders_in_the_language_of_each_request(self) -> None:
        shared = reason(ReasonCode.DECEASED)
        assert shared is reason(ReasonCode.DECEASED)
        assert shared.model_dump()["detail"] == "This NIK is recorded as deceased."
        with i18n.speaking(Language.id):
            assert shared.model_dump()["detail"] == "NIK ini tercatat sudah meninggal dunia."
        assert shared.detail == "This NIK is recorded as deceased."


def _placeholders(template: str) -> set[tuple[str, str]]:
    return {(name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name}


class TestCatalogue:
    @pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=lambda e: e.__qualname__)
    def test_every_problem_code_has_an_indonesian_title(self, error: type[DomainError]) -> None:
        assert TITLES.get(error.code, "").strip(), f"no Indonesian title for {error.code}"

    def test_generic_problems_have_indonesian_titles_too(self) -> None:
        assert set(_STATUS_CODES.values()) <= TITLES.keys()

    @pytest.mark.parametrize("message_id", sorted(MESSAGES))
    def test_every_message_has_both_languages_with_the_same_placeholders(
        self, message_id: str
    ) -> None:
        english, indonesian = MESSAGES[message_id]
        assert english.strip() and indonesian.strip()
        assert _placeholders(english) == _placeholders(indonesian)

    @pytest.mark.parametrize("code", list(ReasonCode))
    def test_every_reason_code_has_its_message(self, code: ReasonCode) -> None:
        family = f"reason.{code.value.lower()}"
        assert any(m == family or m.startswith(family + ".") for m in MESSAGES), family

    @pytest.mark.parametrize(
        "error", sorted(_subclasses(NotFound), key=lambda c: c.code), ids=lambda e: e.code
    )
    def test_every_not_found_has_its_by_id_message(self, error: type[NotFound]) -> None:
        found = error.by_id("0192f2a4")
        assert "0192f2a4" in found.detail and "0192f2a4" in i18n.localise(found.detail, Language.id)

    def test_the_token_endpoint_s_texts_are_ascii(self) -> None:
        """RFC 6749 §5.2: `error_description` repeats them, and must be ASCII."""
        for message_id, texts in MESSAGES.items():
            if message_id.startswith("auth."):
                assert all(text.isascii() for text in texts), message_id

    def test_every_word_the_code_builds_a_message_id_from_is_there(self) -> None:
        for relationship in Relationship:
            assert f"heir.relationship.{relationship.value}" in MESSAGES
            assert msg(f"heir.relationship.{relationship.value}") == relationship.value.replace(
                "_", " "
            )
        for action in ClaimAction:
            assert msg(f"claim.action.{action.value}") == action.value.replace("_", " ")
        assert {m for m in MESSAGES if m.startswith("heir.group.")} == {
            f"heir.group.{n}" for n in range(1, 6)
        }
        assert set(ACCEPTED) == set(COLUMNS)

    def test_every_message_is_used(self) -> None:
        """A literal id somewhere in app/, or one of the families built from a value."""
        built = ("claim.action.", "heir.relationship.", "heir.group.", "roster.accepted.")
        built_ids = {
            f"{e.code.removesuffix('_NOT_FOUND').lower()}.not_found" for e in _subclasses(NotFound)
        }
        built_ids |= {f"reason.{code.value.lower()}" for code in ReasonCode}
        literals = {
            node.value
            for path in MODULES
            if APP / "i18n" not in path.parents
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        variants = _reason_variants()
        unused = {
            m
            for m in MESSAGES
            if m not in literals
            and m not in built_ids
            and m not in variants
            and not m.startswith(built)
        }
        assert not unused


# The source scan: words reach a problem or a row reason only through the catalogue.


def _is_text(node: ast.expr) -> bool:
    """A literal text, an f-string, or text built from them (`+`, `%`, `.format`, `.join`)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"format", "join"} and isinstance(node.func.value, ast.Constant)
    return False


def _resolve(node: ast.expr, module: Any) -> Any:
    if isinstance(node, ast.Name):
        return getattr(module, node.id, getattr(builtins, node.id, None))
    if isinstance(node, ast.Attribute):
        return getattr(_resolve(node.value, module), node.attr, None)
    return None


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    found = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.append((path, node))
    return found


def _reason_variants() -> set[str]:
    variants = set()
    for _path, call in _calls("reason"):
        code, *rest = call.args
        if isinstance(code, ast.Attribute) and rest and isinstance(rest[0], ast.Constant):
            variants.add(f"reason.{code.attr.lower()}.{rest[0].value}")
    return variants


class TestNoWordsOutsideTheCatalogue:
    def test_no_domain_error_is_raised_with_plain_text(self) -> None:
        """`raise NotFound("…")` (or through a variable holding the class) would answer in
        English only: every problem detail is `msg(…)`."""
        offenders = []
        for path, module in MODULES.items():
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                call = node.exc
                texts = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "detail")]
                if not any(_is_text(t) for t in texts):
                    continue
                raised = _resolve(call.func, module)
                if isinstance(raised, type) and not issubclass(raised, DomainError):
                    continue  # ValueError and the like: for developers and the CLI
                offenders.append(f"{path.relative_to(APP.parent)}:{node.lineno}")
        assert not offenders

    def test_no_problem_response_is_built_with_plain_text(self) -> None:
        offenders = [
            f"{path.relative_to(APP.parent)}:{call.lineno}"
            for path, call in _calls("problem_response")
            if len(call.args) >= 4 and _is_text(call.args[3])
        ]
        assert not offenders

    def test_every_message_id_in_the_code_is_in_the_catalogue(self) -> None:
        literal = [
            (path, call.args[0].value)
            for path, call in _calls("msg")
            if call.args and isinstance(call.args[0], ast.Constant)
        ]
        assert literal, "the scan found no msg() call"
        assert [(p, m) for p, m in literal if m not in MESSAGES] == []
        assert _reason_variants() <= MESSAGES.keys()
