"""Custom actions, one module per concern (rasa-sdk registers every Action subclass)."""
