"""Problem details by message id: (English, Bahasa Indonesia), with the same `{placeholders}`.

The English text is the API's wording as it has always been; change it only on purpose.
API words stay as they are in both languages: field and column names, status values,
scopes, codes, paths. `{n:,}` groups thousands (Rp 16,800 / Rp 16.800); `{items:and}` and
`{items:or}` join a list with the language's word."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Generic problems (app/errors.py, app/limits.py, app/health.py, app/query_params.py)
    "problem.validation": (
        "One or more fields are missing or invalid; see `errors`.",
        "Satu atau beberapa isian kosong atau tidak valid; lihat `errors`.",
    ),
    "problem.conflict": (
        "Another request changed the same data at the same time; retry.",
        "Permintaan lain mengubah data yang sama pada saat bersamaan; silakan ulangi.",
    ),
    "problem.value_out_of_range": (
        "A value is out of the range the service can store.",
        "Ada nilai di luar batas yang dapat disimpan layanan.",
    ),
    "problem.database_unavailable": (
        "The database could not complete the request; retry later.",
        "Basis data tidak dapat menyelesaikan permintaan; silakan ulangi beberapa saat lagi.",
    ),
    "problem.internal": (
        "An unexpected error occurred; it was logged.",
        "Terjadi kesalahan yang tidak terduga; kesalahan ini sudah dicatat.",
    ),
    "problem.malformed_body": (
        "The body cannot be read as its Content-Type says: JSON in UTF-8, a well-formed form.",
        "Body tidak dapat dibaca sesuai Content-Type-nya: JSON dalam UTF-8, form yang utuh.",
    ),
    "problem.body_too_large": (
        "The body may be at most {limit} bytes for this content type.",
        "Body permintaan paling besar {limit} byte untuk jenis konten ini.",
    ),
    "http.not_found": ("Not Found", "Alamat (path) ini tidak ada pada layanan."),
    "http.method_not_allowed": (
        "Method Not Allowed",
        "Metode HTTP ini tidak tersedia untuk alamat ini.",
    ),
    "health.unreachable": (
        "The database cannot be reached or is not migrated.",
        "Basis data tidak dapat dijangkau atau belum dimigrasikan.",
    ),
    "health.migration": (
        "The database is at migration {current}, the service expects {head}.",
        "Basis data berada pada migrasi {current}, sedangkan layanan memerlukan {head}.",
    ),
    "query.unknown": (
        "Unknown query parameter(s): {unknown}. Accepted here: {accepted}.",
        "Parameter kueri tidak dikenal: {unknown}. Yang diterima di sini: {accepted}.",
    ),
    "query.none": ("none", "tidak ada"),
    "pagination.cursor": (
        "Pass back `next_cursor` exactly as it was given.",
        "Kirim kembali `next_cursor` persis seperti yang diberikan.",
    ),
    "idempotency.reused": (
        "This Idempotency-Key was already used with another body.",
        "Idempotency-Key ini sudah dipakai dengan body lain.",
    ),
    "idempotency.in_progress": (
        "A request with this Idempotency-Key is still being answered; retry in {seconds} s "
        "to get its answer.",
        "Permintaan dengan Idempotency-Key ini masih diproses; ulangi {seconds} detik lagi "
        "untuk mendapat jawabannya.",
    ),
    # Rate limits (app/rate_limit.py)
    "rate_limit.client": (
        "This API client may make {limit:,} requests a minute; retry in {seconds} s.",
        "Klien API ini boleh mengirim {limit:,} permintaan per menit; ulangi {seconds} detik lagi.",
    ),
    "rate_limit.address": (
        "Too many token requests from this address; retry in {seconds} s.",
        "Terlalu banyak permintaan token dari alamat ini; ulangi {seconds} detik lagi.",
    ),
    # Tokens and scopes. RFC 6749 §5.2 repeats the token endpoint's texts in
    # `error_description`, which must be ASCII: no accents, no `…`, in either language.
    "auth.token_required": ("A bearer token is required.", "Bearer token wajib dikirim."),
    "auth.token_invalid": (
        "The bearer token is invalid or expired.",
        "Bearer token tidak valid atau sudah kedaluwarsa.",
    ),
    "auth.scope_missing": (
        "The token lacks the scope {scopes}.",
        "Token tidak memuat scope {scopes}.",
    ),
    "auth.bpjs_only": (
        "Only BPJS Ketenagakerjaan may do this, whatever scopes the token carries.",
        "Hanya BPJS Ketenagakerjaan yang boleh melakukan ini, apa pun scope yang dimuat token.",
    ),
    "auth.form_invalid": (
        "Missing or invalid: {fields}. Send an application/x-www-form-urlencoded body with"
        " grant_type=client_credentials, client_id and client_secret.",
        "Kosong atau tidak valid: {fields}. Kirim body application/x-www-form-urlencoded"
        " berisi grant_type=client_credentials, client_id dan client_secret.",
    ),
    "auth.basic_malformed": (
        "Malformed Basic credentials.",
        "Format kredensial Basic tidak benar.",
    ),
    "auth.grant_type": (
        "Use grant_type=client_credentials.",
        "Gunakan grant_type=client_credentials.",
    ),
    "auth.credentials_missing": (
        "Send client_id and client_secret.",
        "Kirim client_id dan client_secret.",
    ),
    "auth.client_unknown": (
        "Unknown client or wrong secret.",
        "Klien tidak dikenal atau client_secret salah.",
    ),
    "auth.scope_not_allowed": (
        "Not allowed for this client: {scopes}",
        "Tidak diizinkan untuk klien ini: {scopes}",
    ),
    # Regions, programmes, workers
    # NotFound.by_id: `<thing>.not_found` for <THING>_NOT_FOUND, the id or code as {id}
    "region.not_found": ("No region has the code {id}.", "Tidak ada wilayah dengan kode {id}."),
    "program.not_found": ("No programme {id}.", "Program {id} tidak ditemukan."),
    "worker.not_found": ("No worker {id}.", "Pekerja {id} tidak ditemukan."),
    "enrolment.not_found": ("No enrolment {id}.", "Kepesertaan {id} tidak ditemukan."),
    "invoice.not_found": ("No invoice {id}.", "Tagihan {id} tidak ditemukan."),
    "payment.not_found": ("No payment {id}.", "Pembayaran {id} tidak ditemukan."),
    "claim.not_found": ("No claim {id}.", "Klaim {id} tidak ditemukan."),
    "region.exists": ("Region {code} is already registered.", "Wilayah {code} sudah terdaftar."),
    "region.unknown": ("Region {code} is not registered.", "Wilayah {code} tidak terdaftar."),
    "program.region_required": (
        "region_code is required for a token without a region.",
        "region_code wajib diisi untuk token yang tidak terikat pada satu wilayah.",
    ),
    "program.own_region_only": (
        "A pemda creates programmes only for its own region.",
        "Pemda hanya dapat membuat program untuk wilayahnya sendiri.",
    ),
    "program.region_outside_territory": (
        "The region is outside the caller's territory.",
        "Wilayah ini berada di luar wilayah kewenangan Anda.",
    ),
    "program.budget_null": ("budget_idr cannot be null.", "budget_idr tidak boleh null."),
    "program.budget_below_committed": (
        "Rp {committed_idr:,} is already committed; the budget cannot be Rp {budget_idr:,}.",
        "Rp {committed_idr:,} sudah terikat untuk kepesertaan; anggaran tidak dapat diubah"
        " menjadi Rp {budget_idr:,}.",
    ),
    "worker.nik_mismatch": (
        "The NIK does not agree with the {facts:and}.",
        "NIK tidak sesuai dengan {facts:and}.",
    ),
    "nik.birth_date": ("birth date", "tanggal lahir"),
    "nik.sex": ("sex", "jenis kelamin"),
    # Billing: invoices (tagihan), payments (pembayaran), coverage
    "invoice.range_outside_program": (
        "The range must lie inside the programme's {start}…{end}.",
        "Rentang bulan harus berada dalam masa program {start}…{end}.",
    ),
    "invoice.nothing_to_bill": (
        "No active enrolment has an unbilled month in {from_month}…{to_month}.",
        "Tidak ada kepesertaan aktif dengan bulan yang belum ditagih pada {from_month}…{to_month}.",
    ),
    "invoice.status": ("The invoice is {status}.", "Tagihan berstatus {status}."),
    "invoice.payment_confirmed": (
        "A payment on this invoice is already confirmed.",
        "Sudah ada pembayaran yang dikonfirmasi atas tagihan ini.",
    ),
    "payment.status": ("The payment is {status}.", "Pembayaran berstatus {status}."),
    "payment.paid_on_future": (
        "paid_on is the day of the transfer; it cannot be in the future.",
        "paid_on adalah tanggal transfer; tanggal ini tidak boleh di masa depan.",
    ),
    "payment.overpayment": (
        "Rp {outstanding_idr:,} is outstanding on this invoice.",
        "Sisa tagihan ini Rp {outstanding_idr:,}.",
    ),
    "payment.would_overpay": (
        "Rp {outstanding_idr:,} is outstanding; this payment is Rp {amount_idr:,}."
        " Reject it instead.",
        "Sisa tagihan Rp {outstanding_idr:,}, sedangkan pembayaran ini Rp {amount_idr:,}."
        " Tolak pembayaran ini.",
    ),
    "payment.duplicate_reference": (
        "Reference {reference} is already on this invoice.",
        "Referensi {reference} sudah tercatat pada tagihan ini.",
    ),
    "payment.period_reversed": (
        "paid_from must not be after paid_to.",
        "paid_from tidak boleh sesudah paid_to.",
    ),
    "coverage.nik_invalid": (
        "A NIK has 16 digits and a valid birth date; check the number.",
        "NIK terdiri atas 16 digit dan memuat tanggal lahir yang sah; periksa kembali nomornya.",
    ),
}
