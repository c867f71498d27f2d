"""The failure table the jars, the playbooks and the report share (failure-kinds.properties)."""
import os
import re
import tempfile
import unittest

import helpers  # noqa: F401  (puts report/ on the path)
from c1mlab import failures


class SharedTable(unittest.TestCase):
    def test_every_kind_the_client_counts_is_explained(self):
        self.assertEqual([e.kind for e in failures.FAILURE_KINDS], failures.KIND_ORDER)
        for entry in failures.FAILURE_KINDS + [failures.LOST, failures.DEAD]:
            for text in (entry.errno_name, entry.meaning, entry.fix):
                self.assertTrue(text and "\\" not in text and "  " not in text, (entry.kind, text))
            self.assertTrue(failures.DOCTOR_CHECKS[entry.kind], entry.kind)

    def test_the_kinds_and_their_order_are_the_java_enums(self):
        # The jars count by the enum FailureKind; the table lists the same kinds in the same order.
        # Found by name: java/common's packages may move.
        enum = next(os.path.join(folder, "FailureKind.java")
                    for folder, _, files in os.walk(os.path.join(helpers.REPORT, "..", "java", "common", "src", "main"))
                    if "FailureKind.java" in files)
        with open(enum, encoding="utf-8") as handle:
            constants = re.search(r"enum FailureKind \{\s*([A-Z_, ]+);", handle.read()).group(1)
        self.assertEqual([c.strip() for c in constants.split(",")], failures.KIND_ORDER)
        self.assertEqual(failures.sort_kinds({"OTHER", "ZZZ", "EMFILE", "AAA"}), ["EMFILE", "OTHER", "AAA", "ZZZ"])

    def test_the_report_says_what_the_table_says(self):
        table = failures.read_table()
        self.assertEqual(failures.BY_KIND["EMFILE"].errno_name, table["EMFILE"]["title"])
        self.assertTrue(failures.BY_KIND["EADDRNOTAVAIL"].fix.startswith(table["EADDRNOTAVAIL"]["fix"]))
        self.assertIn("epoll_ctl failed with ENOSPC", failures.EPOLL_ENOSPC)

    def test_continued_lines_are_joined(self):
        text = "# comment\n\nA.title = one \\\n   two\nA.meaning = m\nA.fix = f\nA.fix.lab = l\nA.doctor = x, y\n"
        self.assertEqual(self._read(text)["A"]["title"], "one two")

    def test_a_kind_missing_a_field_is_refused_by_name(self):
        with self.assertRaises(ValueError) as raised:
            self._read("A.title = t\nA.meaning = m\n")
        self.assertIn("A lacks fix, fix.lab, doctor", str(raised.exception))

    def test_a_line_that_is_not_kind_field_value_is_refused(self):
        with self.assertRaises(ValueError) as raised:
            self._read("just words\n")
        self.assertIn("cannot read the line 'just words'", str(raised.exception))

    def _read(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".properties", delete=False) as handle:
            handle.write(text)
        try:
            return failures.read_table(handle.name)
        finally:
            os.unlink(handle.name)


if __name__ == "__main__":
    unittest.main()
