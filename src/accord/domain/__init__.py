"""The pure core of Accord: rules and arithmetic on plain values. No Django, no I/O, no clock."""
