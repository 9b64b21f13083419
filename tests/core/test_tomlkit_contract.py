"""What store/document.py relies on in tomlkit's public API, pinned so that a tomlkit
release that changes it fails here, by name, before any save loses a user's layout."""

from __future__ import annotations

import tomlkit
from tomlkit.items import Comment, Table

from rollback_tui.store import document as plan_document

TEXT = "a = 1\n# about the next table\n\n[next]\nb = 2\n"


class TestContainerBody:
    """`Container.body` is the container's own list of entries, in the file's order."""

    def test_body_is_the_containers_own_list(self) -> None:
        """Removing unkeyed entries from the end of `body` removes them from the text."""
        document = tomlkit.parse("a = 1\n# trailing\n")
        body = document.body
        assert body is document.body
        assert isinstance(body[-1][1], Comment)
        del body[-1:]
        assert tomlkit.dumps(document) == "a = 1\n"

    def test_add_appends_a_comment_after_the_last_key(self) -> None:
        """`add` with a comment alone appends it, unkeyed, at the end."""
        document = tomlkit.parse("a = 1\n")
        document.add(tomlkit.comment("note"))
        assert tomlkit.dumps(document) == "a = 1\n# note\n"
        assert document.body[-1][0] is None

    def test_a_key_added_plainly_goes_after_trailing_comments(self) -> None:
        """tomlkit's own placement, which the document's key insertion works around."""
        document = tomlkit.parse(TEXT)
        table = document["next"]
        assert isinstance(table, Table)
        document["c"] = 3
        text = tomlkit.dumps(document)
        assert text.index("c = 3") > text.index("# about the next table")


class TestKeyAddedBeforeComments:
    """A key added to a table goes after its last key, before the comments that end it."""

    def test_in_a_table(self) -> None:
        document = tomlkit.parse("[first]\na = 1\n# about the next table\n\n[next]\nb = 2\n")
        first = document["first"]
        assert isinstance(first, Table)
        plan_document._add_key(first, "c", 3)
        assert tomlkit.dumps(document) == (
            "[first]\na = 1\nc = 3\n# about the next table\n\n[next]\nb = 2\n"
        )

    def test_in_an_array_of_tables(self) -> None:
        document = tomlkit.parse('[[x]]\nid = "1"\n# the next one\n\n[[x]]\nid = "2"\n')
        first = document["x"][0]
        plan_document._add_key(first, "owner", "me")
        assert tomlkit.dumps(document) == (
            '[[x]]\nid = "1"\nowner = "me"\n# the next one\n\n[[x]]\nid = "2"\n'
        )
        assert tomlkit.parse(tomlkit.dumps(document)).unwrap() == document.unwrap()
