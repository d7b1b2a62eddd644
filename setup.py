# All metadata lives in pyproject.toml; this file lets older tools install the project, and
# makes the development install (`pip install -e .`) visible to type checkers.
from setuptools import setup

# Setuptools' default editable install for this layout is an import hook, which mypy and pyright
# cannot follow (they report cashfree_pg as not found). "strict" installs a tree of links to the
# package's files instead, found through a plain .pth entry. Edits to existing files are live;
# a newly added module is seen after `pip install -e .` again ("compat" would avoid that, but
# setuptools is removing it).
setup(options={"editable_wheel": {"mode": "strict"}})
