"""Items an applicant may still upload after the documents deadline (a supplement the eligibility review asks for).

Other apps register a provider in their AppConfig.ready(): provider(application) -> set of requirement ids open
now. Documents knows only this registry, so the dependency points from the reviewing app to documents.
"""

_providers = []


def register(provider):
    if provider not in _providers:
        _providers.append(provider)
    return provider


def reopened_items(application) -> set[int]:
    items: set[int] = set()
    for provider in _providers:
        items |= provider(application)
    return items
