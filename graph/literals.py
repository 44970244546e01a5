"""Typed literals in the forms every engine keeps, so that what is served is what was built.

A store keeps a literal's value, not the text it was given: pyoxigraph's store types every
integer as xsd:integer (xsd:nonNegativeInteger and xsd:positiveInteger become xsd:integer)
and writes numbers, booleans and dates in their canonical forms ("1.50" becomes "1.5",
"1.0" becomes "1"); rdflib's parsers normalise numbers too. The builder therefore types
numbers as xsd:integer or xsd:decimal only and writes every literal of a typed datatype in
its canonical form, so the SPARQL answers, the resource descriptions and every download,
whichever engine serves them, hold the literals exactly as built (docs/model.md,
"Literals"). The ontology's narrower ranges (an offset is an xsd:nonNegativeInteger, an
ordinal an xsd:positiveInteger) hold by value, and the SHACL shapes check the bounds.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import XSD

from .numerals import decimal_lexical


def integer(value: int) -> Literal:
    """An xsd:integer in canonical form (no sign for positives, no leading zeros)."""
    return Literal(str(int(value)), datatype=XSD.integer)


def decimal(value: Decimal) -> Literal:
    """An xsd:decimal in canonical form: no exponent, no trailing zeros, no ".0" (55000, 0.7)."""
    return Literal(decimal_lexical(Decimal(value)), datatype=XSD.decimal)


def boolean(value: bool) -> Literal:
    """An xsd:boolean, "true" or "false" (never "1" or "0")."""
    return Literal("true" if value else "false", datatype=XSD.boolean)


def day(value: date) -> Literal:
    """An xsd:date, YYYY-MM-DD without a time zone."""
    return Literal(value.isoformat(), datatype=XSD.date)


def zh(text: str) -> Literal:
    """A Chinese-language literal."""
    return Literal(text, lang="zh")
