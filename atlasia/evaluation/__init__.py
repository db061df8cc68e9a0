"""Evaluation runs of a use case's model: uploaded predictions evaluated by ``atlasia.core.evaluation``
in a background job, results stored and versioned per use case."""
