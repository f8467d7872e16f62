"""The wallet's refusal messages used in more than one place or by more than one audience.

Codes are stable (integrators and the pages' scripts branch on them); each message is
Chinese and says what to do next. A refusal said in one place only keeps its words there,
as ``Refusal(code, message, status)``. Templates in braces are filled by ``Refusal.of``.
Messages a resident may read are said in the request's locale when the refusal is made (the
API's requests choose none, so integrators read Chinese).
"""

from __future__ import annotations

from common.refusal import Refusal, add_messages
from common.translatable import lazy_gettext

__all__ = ["CATALOG", "Refusal"]

NEW_FORMAT = (
    "接口已改用标准 JOSE：请求体为 JWE 紧凑序列化（alg ECDH-ES+A256KW，enc A256GCM，"
    "Content-Type: application/jose），请求头 X-JWS-Signature 为分离载荷的 JWS（ES256），"
    "平台公钥见 /api/v1/jwks.json。"
)

# Verifying a bill: residents importing it, the public status page, units in file mode, the API.
VERIFICATION: dict[str, tuple[int, str]] = {
    "invalid_elements": (400, lazy_gettext("五要素填写有误，请按提示修改后重试。")),
    "not_found": (422, lazy_gettext("全国财政电子票据网络中没有这张票据。请核对票据代码和票据号码后重试。")),
    "mismatch": (422, lazy_gettext("票据信息与开票地的记录不一致。请核对校验码、开票日期和金额后重试。")),
    "unsupported_file": (415, lazy_gettext("只能上传票据照片（JPEG、PNG、WebP、HEIC）或PDF版式文件，请重新选择文件。")),
    "layout_too_large": (413, lazy_gettext("版式文件超过10 MB，请确认上传的是开票单位提供的财政电子票据PDF。")),
    "invalid_pdf": (422, lazy_gettext("文件不是可读取的PDF，请重新下载版式文件后上传。")),
    "no_signed_document": (
        422,
        lazy_gettext(
            "这个PDF中没有财政电子票据的签名数据，不是电子票据版式文件。请上传开票单位提供的原始文件，或手动输入五要素。"
        ),
    ),
    "signature_invalid": (
        422,
        lazy_gettext(
            "版式文件的签名验证未通过，文件内容可能被修改过，不能作为报销凭证。请向开票单位重新获取原始文件。"
        ),
    ),
    "unknown_key": (422, lazy_gettext("签名所用的密钥不是财政部门公布的密钥，票据不可信。请向开票单位核实。")),
    "qr_mac_invalid": (
        422,
        lazy_gettext("二维码签名无效，二维码可能被涂改或伪造。请按纸质票据手动输入五要素，或联系开票单位。"),
    ),
    "bill_rejected": (502, lazy_gettext("开票地返回的票据签名无法验证，为安全起见未予采用。请稍后再试。")),
    "too_many_checks": (
        429,
        lazy_gettext(
            "每张票据每天最多查验 {limit} 次，这张票据今天的次数已用完，{reopens} 00:00（北京时间）起可再查验。"
        ),
    ),
    "network_unavailable": (503, lazy_gettext("全国财政电子票据网络暂时无法访问，请稍后再试。")),
    "network_refused": (502, lazy_gettext("全国财政电子票据网络未受理这次查验，请稍后再试。")),
}

# A photo of a bill that gives no bill (import, public page, unit verification).
PHOTO: dict[str, tuple[int, str]] = {
    "too_large": (413, lazy_gettext("照片超过{limit}，请压缩后或换一张照片重新上传。")),
    "too_many_pixels": (413, lazy_gettext("照片尺寸过大（超过{limit}），请用手机相机的普通模式重新拍照上传。")),
    "not_an_image": (415, lazy_gettext("只能上传JPEG、PNG、WebP或HEIC格式的照片，请重新选择文件。")),
    "damaged_image": (422, lazy_gettext("照片文件已损坏或不完整，请重新拍照上传。")),
    "no_qr_found": (
        422,
        lazy_gettext("照片中没有找到可识别的二维码。请把票据放平、光线充足、对准二维码对焦后重拍，或手动输入五要素。"),
    ),
}

# The integration API's own refusals, for units' programmers. Its request signature's
# ``signature_invalid`` (401) lives in wallet.api.authentication: the code is shared with
# the layout file's broken signature above, which the API passes on as it is.
API: dict[str, tuple[int, str]] = {
    "auth_missing": (401, "请求缺少签名信息，请带上 X-App-Id、X-JWS-Signature 和 X-App-Signature 请求头。"),
    "auth_header_invalid": (
        401,
        "签名请求头格式不正确：X-JWS-Signature 应为分离载荷的 JWS 紧凑序列化，保护头含 kid、"
        "appid、htm、htu、iat（秒级 Unix 时间）和 nonce（16–64 位字母、数字、- 或 _）。",
    ),
    "format_outdated": (400, "旧的签名和数字信封格式已停用。" + NEW_FORMAT),
    "timestamp_stale": (401, "JWS 保护头中的 iat 与平台时间相差过大，请校准服务器时钟后用新的 iat 和 nonce 重发。"),
    "app_unknown": (401, "appId 不存在。请核对单位工作台“接口对接”页面上的 appId。"),
    "signing_key_unknown": (
        401,
        "JWS 的 kid 不是本单位登记的签名公钥。请在“接口对接”页面登记该公钥或更新 JWKS 后重试。",
    ),
    "signing_alg_unsupported": (401, "不支持该签名算法，请使用 ES256（P-256）。"),
    "nonce_replayed": (401, "该 nonce 已使用过，请求可能被重放。每个请求请使用新的 nonce。"),
    "unit_keys_missing": (403, "单位尚未登记公钥，请先在单位工作台“接口对接”页面登记 JWK 或 JWKS 地址，再调用接口。"),
    "jwe_invalid": (400, "请求体的 JWE 无法解密：格式不正确或内容被改动过。请用平台 JWKS 中的加密公钥重新加密。"),
    "jwe_alg_unsupported": (400, "不支持该 JWE 算法，请使用 alg ECDH-ES+A256KW、enc A256GCM。"),
    "jwe_key_unknown": (400, "JWE 的 kid 不是平台当前接受的加密公钥，请重新获取 /api/v1/jwks.json 后重试。"),
    "content_type_invalid": (415, "请求体应为 JWE 紧凑序列化（Content-Type: application/jose）。"),
    "payload_invalid": (422, "请求内容不符合要求，请按 data.errors 中的提示修改后重试。"),
    "idempotency_key_missing": (
        400,
        "修改类请求需要 Idempotency-Key 请求头（8–64 位字母、数字、- 或 _），重试时请沿用同一个值。",
    ),
    "idempotency_key_reused": (409, "该 Idempotency-Key 已用于内容不同的请求。新的请求请使用新的 Idempotency-Key。"),
    "idempotency_in_progress": (409, "使用该 Idempotency-Key 的请求正在处理，请稍后用同一个 Idempotency-Key 重试。"),
    "cursor_invalid": (400, "分页游标无效，请从第一页重新获取（不带 cursor）。"),
    "query_invalid": (400, "查询参数不正确，请按 data.errors 中的提示修改后重试。"),
    "route_not_found": (404, "没有这个接口，请核对请求路径（参见 /api/v1/openapi.json）。"),
    "method_not_allowed": (405, "该接口不支持这种请求方式，请参见 /api/v1/openapi.json。"),
    "payload_too_large": (413, "请求体超过大小限制，请缩小版式文件后重试。"),
    "rate_limited": (429, "请求太频繁，请稍后再试。"),
    "bad_request": (400, "请求无法处理，请检查请求格式后重试。"),
    "internal_error": (500, "平台处理请求时出错，已记录。请稍后用同一个 Idempotency-Key 重试。"),
    "service_unavailable": (503, "平台暂时无法处理请求，请稍后重试。"),
}

# The unit workspace and the finance console acting on a unit's users.
UNIT: dict[str, tuple[int, str]] = {
    "user_not_found": (404, "没有找到该用户，请刷新页面。"),
}

CATALOG: dict[str, tuple[int, str]] = {**VERIFICATION, **PHOTO, **API, **UNIT}
add_messages(CATALOG)
