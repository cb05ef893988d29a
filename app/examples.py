"""The one story the OpenAPI examples tell, so that they agree with each other.

Kabupaten Pasuruan (3514) funds JKK + JKM for its tobacco-sector workers in 2026 from DBHCHT:
Rp 2.8 billion, January-December, at Rp 16,800 per worker and month (R1: JKK 1 % of the
Rp 1,000,000 declared income + JKM Rp 6,800; no PP 50/2025 discount for DBHCHT, R2), so
Rp 201,600 a worker for the year. Siti Aminah, a tobacco farmer, is enrolled and verified;
Slamet Riyadi, a member since 2022, dies on 10 May 2026 and his widow Sulastri claims.

Ids are UUIDv7 like the service's own; NIKs are valid (R7) and agree with the birth dates.
"""

PROGRAM_ID = "0193e0a1-2b7d-7c44-8e15-3f6a9d0c4b21"
INVOICE_ID = "0193f0b7-41d2-7a8c-9e36-5b1d2c3e4f50"
PAYMENT_ID = "0193f1c2-8a4e-7d10-b5c3-2e9f6a7b8c01"

REGION_CODE = "3514"
PROGRAM_NAME = "Perlindungan Pekerja Rentan DBHCHT 2026"
MONTHLY_CONTRIBUTION_IDR = 16_800  # R1: Rp 10,000 JKK + Rp 6,800 JKM
YEAR_COST_IDR = 12 * MONTHLY_CONTRIBUTION_IDR

# The member: NIK issued in kecamatan 35.14.09, born 1 August 1990 (day + 40: a woman).
MEMBER_NIK = "3514094108900001"
MEMBER_NIK_MASKED = "************0001"
MEMBER_NAME = "Siti Aminah"
MEMBER_BIRTH_DATE = "1990-08-01"
MEMBER_KPJ = "23081234567"  # hers since 2023: a KPJ is the person's for life (R10)
WORKER_ID = "019b9115-35c8-73b1-b699-cb0fbd8a1b8e"
ENROLMENT_ID = "019b9115-35c8-7a8e-bdf4-c72de394b550"
OTHER_ENROLMENT_ID = "019b911b-40a8-7251-8a6a-66343d6473ce"
# Enrolments a roster import of 1 July 2026 created.
IMPORTED_ENROLMENT_IDS = (
    "019f1b83-0840-75c9-946e-9b46ce285b51",
    "019f1b83-0840-717d-9ac9-d3c7b745ff10",
)

# The deceased member and his heir: NIKs issued in kecamatan 35.14.02.
DECEASED_NIK = "3514022309710003"
DECEASED_NIK_MASKED = "************0003"
DECEASED_NAME = "Slamet Riyadi"
DECEASED_KPJ = "22030514003"
DECEASED_ENROLMENT_ID = "019b9141-3f38-7b1d-98e2-6def9ad2e4e4"
HEIR_NIK = "3514025102750004"
HEIR_NAME = "Sulastri"
CLAIM_ID = "019e19d3-03c0-7b50-87b8-51075464444e"
CREDIT_NOTE_ID = "019e4393-7dc0-7304-9be8-4956c9632895"
AUDIT_EVENT_ID = "019b9671-47c8-7ed7-9fc7-3945f949ffe6"

PEMDA_CLIENT = "pemda-3514"
BPJS_CLIENT = "bpjs-cabang-pasuruan"
