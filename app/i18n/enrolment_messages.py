"""Enrolments (kepesertaan), their row reasons and the roster import: (English, Bahasa
Indonesia). A reason's messages are `reason.<its code in lower case>[.<variant>]`."""

MESSAGES: dict[str, tuple[str, str]] = {
    "enrolment.ineligible": (
        "See `reasons` for every rule the person does not meet.",
        "Lihat `reasons` untuk setiap ketentuan yang tidak dipenuhi.",
    ),
    "enrolment.status": (
        "The enrolment is {status}; this needs {allowed:or}.",
        "Kepesertaan berstatus {status}; tindakan ini memerlukan status {allowed:or}.",
    ),
    "enrolment.last_month_outside": (
        "last_month must lie in {start}…{end}.",
        "last_month harus berada dalam {start}…{end}.",
    ),
    "enrolment.kpj_taken": (
        "KPJ {kpj} is already another person's membership number.",
        "KPJ {kpj} sudah menjadi nomor kepesertaan orang lain.",
    ),
    "enrolment.kpj_mismatch": (
        "This person's KPJ is {kpj}; omit kpj_number to reuse it.",
        "Nomor KPJ orang ini {kpj}; kosongkan kpj_number untuk memakainya kembali.",
    ),
    # Bulk work's bounds (enrolments/bulk.py)
    "enrolment.import_in_progress": (
        "Another roster import into this programme is running; retry in {seconds} s.",
        "Impor daftar peserta lain ke program ini sedang berjalan; ulangi {seconds} detik lagi.",
    ),
    "enrolment.bulk_busy": (
        "Too many roster imports and file exports are running; retry in {seconds} s.",
        "Terlalu banyak impor daftar peserta dan ekspor berkas yang sedang berjalan;"
        " ulangi {seconds} detik lagi.",
    ),
    # Row reasons (eligibility.ReasonCode): eligibility checks, INELIGIBLE, roster rows
    "reason.nik_invalid": (
        "The NIK is not a valid 16-digit NIK.",
        "NIK tidak valid; NIK harus berupa 16 digit yang sah.",
    ),
    "reason.nik_mismatch": (
        "The NIK does not agree with the stated {facts:and}.",
        "NIK tidak sesuai dengan {facts:and} yang dicantumkan.",
    ),
    "reason.age_out_of_range": (
        "Age {age} on {registered_on} (registration) is outside {min_age}-{max_age}.",
        "Usia {age} tahun pada {registered_on} (tanggal pendaftaran) di luar batas"
        " {min_age}-{max_age} tahun.",
    ),
    "reason.not_resident": (
        "Domicile is not in region {region_code}.",
        "Domisili tidak berada di wilayah {region_code}.",
    ),
    "reason.already_enrolled": (
        "This NIK already has a pending or active enrolment for an overlapping month.",
        "NIK ini sudah terdaftar pada kepesertaan yang menunggu verifikasi atau aktif untuk"
        " bulan yang beririsan.",
    ),
    "reason.deceased": (
        "This NIK is recorded as deceased.",
        "NIK ini tercatat sudah meninggal dunia.",
    ),
    "reason.program_closed": ("The programme is closed.", "Program sudah ditutup."),
    "reason.outside_program_window": (
        "{start_month}…{end_month} is not inside the programme's {coverage_start}…{coverage_end}.",
        "{start_month}…{end_month} tidak berada dalam masa program"
        " {coverage_start}…{coverage_end}.",
    ),
    "reason.start_before_registration": (
        "start_month {start_month} is before the registration month {registration_month};"
        " omit start_month or give {registration_month} or later.",
        "start_month {start_month} lebih awal dari bulan pendaftaran {registration_month};"
        " kosongkan start_month atau isi {registration_month} atau sesudahnya.",
    ),
    "reason.budget_exhausted": (
        "The cost Rp {cost_idr:,} exceeds the remaining budget Rp {remaining_idr:,}.",
        "Biaya Rp {cost_idr:,} melebihi sisa anggaran Rp {remaining_idr:,}.",
    ),
    "reason.quota_reached": (
        "The programme's maximum of {max_workers} workers is reached.",
        "Kuota program sebanyak {max_workers} pekerja sudah terpenuhi.",
    ),
    "reason.duplicate_in_file": (
        "This NIK appears on an earlier row.",
        "NIK ini sudah muncul pada baris sebelumnya.",
    ),
}
