"""The exported SDL/OpenAPI are current, and every type, field and argument is documented."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
)

from mauzo_query_api import export
from mauzo_query_api.graphql.schema import build_schema

HINT = "run `uv run python -m mauzo_query_api.export` and commit the result"


def test_exported_sdl_is_current() -> None:
    assert export.SDL_PATH.read_text(encoding="utf-8") == export.sdl(), HINT


def test_exported_openapi_is_current() -> None:
    assert export.OPENAPI_PATH.read_text(encoding="utf-8") == export.openapi(), HINT


def test_every_type_field_and_argument_is_documented() -> None:
    schema = build_schema()._schema
    missing = []
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        documented = GraphQLObjectType | GraphQLInputObjectType | GraphQLEnumType
        if isinstance(gtype, documented) and not gtype.description:
            missing.append(name)
        if isinstance(gtype, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in gtype.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
    assert missing == []
