"""The demonstration: orchestration above the domains (issue 17). ``manage.py load_demo`` loads the
reference data, the starter catalogue, the demo accounts (:mod:`atlasia.demo.accounts`) and then each
domain's own demo (``atlasia.<domain>.demo``) in the order they depend on one another. No domain imports
this package."""
