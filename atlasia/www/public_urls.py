"""URL names that are public (no login). Any other view answers only to a logged-in user;
``tests/test_architecture.py`` walks every URL pattern and fails on a public view missing here."""

PUBLIC_URL_NAMES: set[str] = {
    "login",
    "healthz",
    # "/": the dashboard once logged in, the public home for an anonymous visitor
    "home",
    # the pages every State site carries
    "legal_notice",
    "personal_data",
    "accessibility",
    "site_map",
    # ProConnect login: start, callback (checked by state and nonce), return from ProConnect's logout
    "proconnect_login",
    "proconnect_callback",
    "proconnect_logout_return",
    # the e-mailed invitation link (a signed single-use token; accepting needs the invited account)
    "invitation_answer",
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
    # REST API (access decided by the token or its absence, never by a session)
    "api_v1_usecase_list",
    "api_v1_usecase_detail",
    "api_v1_usecase_create",
    "api_v1_usecase_update",
    "api_v1_usecase_delete",
    "api_v1_usecase_transition",
    "api_v1_usecase_qualifications",
    "api_v1_usecase_experiments",
    "api_v1_usecase_evaluations",
    "api_v1_monitoring_batch",
    "api_v1_exchange_schema",
    "api_v1_exchange_records",
    "openapi-json",
    "openapi-view",
    "api-root",
    # language switch in the header
    "set_language",
}
