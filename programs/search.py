"""Search in the records: PostgreSQL's Dutch full-text search plus trigram matching for parts of
compound words; on other databases (SQLite in development) a plain case-insensitive match.

Every searchable queryset names its fields with a weight (`search_fields`); `search(q)` filters
and ranks with them. Visibility is not decided here: combine with `visible_to(user)`.
"""

import re
from functools import reduce
from operator import add, and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connections, models
from django.db.models.functions import Concat
from django.db.models.lookups import GreaterThan

#: The text search configuration: Dutch stemming and stop words.
CONFIG = "dutch"
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
#: Weights from most to least telling; `search_fields` give one per field.
WEIGHTS = ("A", "B", "C", "D")
#: `SearchRank` weights (of D, C, B, A) that count the names (weight "A") only.
NAMES_ONLY = [0.0, 0.0, 0.0, 1.0]

# A Dutch plural or genitive with an apostrophe ("programma's", "thema's"): the text search
# parser splits it into the word and a loose "s", which as a phrase would then have to follow
# the word in the text too. The word alone is what the reader means.
APOSTROPHE_S = re.compile(r"(\w)['’‘`]s\b", re.IGNORECASE)


# Websearch syntax: a word after a minus sign at the start of a term must not occur; "or"
# between words offers alternatives.
NEGATED = re.compile(r"(?:^|(?<=\s))-([\w-]+)")
OR = re.compile(r"(?:^|(?<=\s))or(?=\s|$)", re.IGNORECASE)


def is_number(word):
    """A word with a digit in it ("1886", "2015", "gen-10"): matched whole, never by likeness,
    so that "1886" does not find "188"."""
    return any(character.isdigit() for character in word)


def split_query(query):
    """("the words looked for", ["excluded", ...]): `query` without its websearch syntax."""
    excluded = NEGATED.findall(query)
    wanted = OR.sub(" ", NEGATED.sub(" ", query)).replace('"', " ")
    return " ".join(wanted.split()), excluded


# A word joined to a number by a hyphen ("toezegging-1886", as in a commitment's address): two
# words to look for, as the record holds them.
WORD_HYPHEN_NUMBER = re.compile(r"(?<=[^\W\d])-(?=\d)")


def normalise_query(text):
    """The query as searched: whitespace collapsed, "programma's" read as "programma",
    "toezegging-1886" as "toezegging 1886"."""
    text = APOSTROPHE_S.sub(r"\1", " ".join(str(text or "").split()))
    return WORD_HYPHEN_NUMBER.sub(" ", text)


def search_text(fields):
    """The fields as one text, separated by spaces: what trigram matching compares with.

    The same expression (`||` with COALESCE, no CONCAT(), which is not immutable) is what the
    trigram indexes of the search migrations are built on, so PostgreSQL can use them.
    """
    expressions = [models.F(field) for field in fields]
    if len(expressions) == 1:
        return expressions[0]
    spaced = [expressions[0]]
    for expression in expressions[1:]:
        spaced += [models.Value(" "), expression]
    return Concat(*spaced, output_field=models.TextField())


def search_vector(search_fields):
    """The weighted Dutch tsvector of `search_fields`, as the search migrations index it."""
    return reduce(
        add,
        (SearchVector(field, weight=weight, config=CONFIG) for field, weight in search_fields),
    )


class StoredColumn(models.Expression):
    """A column of the queryset's own table that is not a model field: the search vector and
    text a migration stores for a large table (`SearchQuerySet.stored_search`)."""

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(self.column)}", []


class TextContains(models.Lookup):
    """`lhs ILIKE '%rhs%'` (PostgreSQL): a trigram index serves it, where Django's `icontains`
    (`UPPER(lhs) LIKE`) can only be checked row by row."""

    lookup_name = "text_contains"
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"{lhs} ILIKE %s", (*params, f"%{connection.ops.prep_for_like_query(self.rhs)}%")


class AnyOf(models.Lookup):
    """`lhs = ANY(rhs)` for an array such as an `ArraySubquery` (PostgreSQL): the array is made
    once and its items looked up in lhs's index, also inside an OR, where `lhs IN (subquery)`
    in an OR is checked row by row."""

    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = compiler.compile(self.lhs)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class SearchQuerySet(models.QuerySet):
    """`search(q)`: the records matching `q`, annotated `search_rank`, best match first."""

    #: (field lookup, weight) pairs, weight "A" for names and titles down to "D" for
    #: identifiers. Lookups may cross foreign keys (a subsidy's recipient name).
    search_fields = ()
    #: On PostgreSQL, whether the table stores `search_vector` and `search_text` of
    #: `search_fields` in columns of its own, kept by a trigger (budgets `0007_stored_search`):
    #: for large tables and for fields in other tables, which no index of this one can cover.
    stored_search = False

    def search(self, query):
        """Records matching `query`, best first; none for a query shorter than two characters.

        PostgreSQL: the Dutch full-text search (websearch syntax: "quotes", -not, or), or a
        word-trigram similarity of at least pg_trgm's `word_similarity_threshold` (0.6 by
        default) with the searched text, so "regeling" finds "innovatieregelingen". Elsewhere:
        every word of the query occurs in one of the fields, case-insensitively (and a word
        after a minus sign in none).
        """
        query = normalise_query(query)[:MAX_QUERY_LENGTH]
        # Only exclusions ("-limburgmakers") would find nearly everything: that is no search.
        if len(query) < MIN_QUERY_LENGTH or not split_query(query)[0] or not self.search_fields:
            return self.none()
        if connections[self.db].vendor == "postgresql":
            return self._search_postgresql(query)
        return self._search_words(query)

    def _search_field_names(self, weights=WEIGHTS):
        return [field for field, weight in self.search_fields if weight in weights]

    def exact_match(self, query):
        """The records named exactly `query` (a name or title, case aside): these come first."""
        names = self._search_field_names("A")
        return reduce(or_, (models.Q(**{f"{field}__iexact": query}) for field in names))

    def _ranked(self, rank, query):
        exact = models.Case(
            models.When(self.exact_match(query), then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        )
        return self.annotate(search_exact=exact, search_rank=rank).order_by(
            "-search_exact", "-search_rank", *self.model._meta.ordering, "pk"
        )

    def _search_postgresql(self, query):
        search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
        wanted, excluded = split_query(query)
        condition = models.Q(search_vector=search_query)
        words = [word for word in wanted.split() if not is_number(word)]
        if words:
            # Trigrams compare the words looked for, without the websearch syntax, and must
            # respect its exclusions themselves. `%>` with pg_trgm's threshold rather than
            # word_similarity() >= x: only the operator can use the trigram index. A number
            # must be there as a whole word all the same.
            similar = models.Q(search_text__trigram_word_similar=" ".join(words))
            for number in filter(is_number, wanted.split()):
                similar &= models.Q(search_vector=SearchQuery(number, config=CONFIG))
            if excluded:
                unwanted = reduce(or_, (SearchQuery(word, config=CONFIG) for word in excluded))
                similar &= ~models.Q(search_vector=unwanted)
            condition |= similar
        matches = self.alias(**self._searched()).filter(condition)
        rank = SearchRank(models.F("search_vector"), search_query)
        return matches._ranked(rank + self._name_likeness(search_query, wanted or query), query)

    def _name_likeness(self, search_query, text):
        """How closely the names match, from 0 to 1, so that a record named after the query
        comes before one that mentions it in passing: 1 for a name that holds a word looked
        for (as the text search reads it), else the names' trigram likeness to `text` (a
        compound word or a typo in a name). The likeness is only computed where the name
        holds no word looked for: at 10 µs a record it was most of a common word's search."""
        names = self._search_field_names("A")
        if self.stored_search:
            names_rank = SearchRank(models.F("search_vector"), search_query, weights=NAMES_ONLY)
        else:
            # Not the whole computed vector again: a long text's is slow to make.
            names_rank = SearchRank(search_vector((name, "A") for name in names), search_query)
        return models.Case(
            models.When(GreaterThan(names_rank, 0), then=models.Value(1.0)),
            default=TrigramWordSimilarity(text, search_text(names)),
            output_field=models.FloatField(),
        )

    def _searched(self):
        """The vector and text `_search_postgresql` searches: stored, or computed."""
        if self.stored_search:
            return {
                "search_vector": StoredColumn("search_vector", SearchVectorField()),
                "search_text": StoredColumn("search_text", models.TextField()),
            }
        return {
            "search_vector": search_vector(self.search_fields),
            "search_text": search_text(self._search_field_names()),
        }

    def _search_words(self, query):
        wanted, excluded = split_query(query)
        words = [word for word in re.findall(r"\w+", wanted) if len(word) >= MIN_QUERY_LENGTH]
        words = words or [wanted or query]
        fields, titles = self._search_field_names(), self._search_field_names("A")

        def occurs(word):
            if is_number(word):
                # Whole: not followed or preceded by another digit ("1886" is not in "18860").
                pattern = rf"(^|[^0-9]){re.escape(word)}([^0-9]|$)"
                return reduce(or_, (models.Q(**{f"{field}__iregex": pattern}) for field in fields))
            return reduce(or_, (models.Q(**{f"{field}__icontains": word}) for field in fields))

        condition = reduce(and_, (occurs(word) for word in words))
        for word in excluded:
            condition &= ~occurs(word)
        # Simple ranking: the whole query in a name first, then by how many words a name holds.
        hits = [(wanted or query, 2)] + [(word, 1) for word in words]
        rank = reduce(
            add,
            (
                models.Case(
                    models.When(
                        reduce(or_, (models.Q(**{f"{f}__icontains": text}) for f in titles)),
                        then=models.Value(points),
                    ),
                    default=models.Value(0),
                )
                for text, points in hits
            ),
        )
        return self.filter(condition)._ranked(rank, query)
