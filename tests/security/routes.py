"""Every URL pattern of the project, from the resolver (through every include), with the
names of its parameters: what the security tests walk, so a new page cannot escape them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    params: frozenset[str]
    namespace: str
    pattern: URLPattern


def _params(pattern) -> set[str]:
    if hasattr(pattern.pattern, "converters") and pattern.pattern.converters:
        return set(pattern.pattern.converters)
    return set(pattern.pattern.regex.groupindex)


def all_routes() -> list[Route]:
    routes = []

    def walk(resolver, prefix="", namespace="", inherited=frozenset()):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                inner = namespace
                if item.namespace:
                    inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
                walk(item, prefix + str(item.pattern), inner, inherited | _params(item))
            else:
                route = prefix + str(item.pattern)
                params = frozenset((inherited | _params(item)) - set(item.default_args))
                name = f"{namespace}:{item.name}" if namespace and item.name else item.name
                routes.append(Route(name or route, route, params, namespace, item))

    walk(get_resolver())
    return routes
