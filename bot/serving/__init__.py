"""What the Rasa server needs to run as several replicas (the lock store)."""
