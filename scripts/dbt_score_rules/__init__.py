"""The project's own dbt-score rules (loaded with `--namespace scripts.dbt_score_rules`)."""
