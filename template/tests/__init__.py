import pytest

# conftest.py imports from the harness's plugins: let pytest rewrite their asserts before that.
pytest.register_assert_rewrite("tests.harness")
