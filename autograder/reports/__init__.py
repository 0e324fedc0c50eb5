"""Reports: what students, instructors and Gradescope read.

:mod:`.report` words one submission (terminal and JSON), :mod:`.exports` writes a
class's files (CSV, JSON, Markdown, HTML, summary), :mod:`.markdown` escapes
text, :mod:`.gradescope` writes Gradescope's results and autograder zip.
"""
