"""The backend's load test (`python -m bench.load`) and the stand-ins it and the tests share."""
