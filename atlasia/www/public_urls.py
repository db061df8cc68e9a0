"""URL names that are public (no login). Any other view answers only to a logged-in user;
``tests/test_architecture.py`` walks every URL pattern and fails on a public view missing here."""

PUBLIC_URL_NAMES: set[str] = {
    "login",
    "healthz",
    # publication: public register, algorithm library, open data
    "publication_register",
    "publication_register_detail",
    "publication_problem_report",
    "publication_algorithms",
    "publication_algorithm_detail",
    "publication_open_data",
    "publication_export_csv",
    "publication_export_csv_comma",
    "publication_export_json",
    "publication_export_parquet",
    "publication_export_nl",
    "publication_export_atrs",
    "publication_dcat",
    "publication_dictionary",
    "publication_schema",
}
