"""Jamsos Rentan: BPJS Ketenagakerjaan JKK/JKM cover for vulnerable workers, paid by regions."""
