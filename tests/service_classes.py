"""Every service class and its public methods, found by introspection (the hardening scope test and
the strict-writes mode both need the whole list, so a new service or method cannot slip past them)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import mshtdesk.services


def service_classes() -> dict[str, type]:
    """Every class in mshtdesk.services whose constructor takes the database and the acting user."""
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(mshtdesk.services.__path__):
        module = importlib.import_module(f"mshtdesk.services.{info.name}")
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            params = list(inspect.signature(cls.__init__).parameters)  # type: ignore[misc]
            if params[1:3] == ["db", "actor"]:
                found[name] = cls
    return found


def public_methods() -> set[tuple[str, str]]:
    """(class, name) of every public method and property of every service class."""
    return {
        (cls_name, name)
        for cls_name, cls in service_classes().items()
        for name, member in vars(cls).items()
        if not name.startswith("_")
        and (inspect.isfunction(member) or isinstance(member, (classmethod, staticmethod, property)))
    }
