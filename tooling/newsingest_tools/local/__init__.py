"""Local tooling: the moto stack from template.yaml, the event-source-mapping loop, the sample origin, the demo.

Nothing here is imported by the function: moto is imported lazily, so the Lambda never pays for it.
"""
