"""Production serves static files through whitenoise's manifest storage: every file that a
CSS or JS file refers to must exist, or collectstatic (and the Docker build) fails."""

from django.core.management import call_command


def test_collectstatic_succeeds_with_the_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/htmx.min.*.js"))
