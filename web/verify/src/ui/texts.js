// The page's words (简体中文): what each check of draw spec §14 means, in plain language.
import { beijingText, parseRfc3339 } from '../core/timestamp.js';

export const CHECK_TEXT = {
  format: ['誊本格式', '誊本是完整、格式正确的 spotcheck-draw/1（或联合抽查的 spotcheck-draw/2）JSON 文件（见《抽取规范》第 13 节、第 17 节）。'],
  published: ['与事先公布的承诺一致',
    '誊本里的承诺与抽取之前公布的承诺文件逐项相同（见《抽取规范》第 14 节第 0 项）。不提供承诺文件时跳过此项，此时对承诺的改动由“承诺哈希”一项发现。'],
  spec_version: ['规范版本', '誊本及其承诺声明使用同一版本的规范：spotcheck-draw/1，或部门联合抽查的 spotcheck-draw/2（见《抽取规范》第 17 节：每个检查组含每个要求部门的至少一名人员）。'],
  frame: ['检查对象名录',
    '您提供的名录文件的条目数和默克尔根（Merkle root）与承诺一致（见《抽取规范》第 4 节）：名录在抽取之前已经固定，没有被增加、删除或修改。'],
  pool: ['执法检查人员名录', '检查人员名录文件（含回避关系）的人数和默克尔根与承诺一致（见《抽取规范》第 5 节）。'],
  strata: ['分层与抽取数量',
    '根据名录和抽取参数重新计算每一层的对象数和应抽数量，与承诺一致（见《抽取规范》第 6 节）；联合抽查的参与部门和检查人员所属部门符合规则（见《抽取规范》第 17.2 节）。'],
  commitment_hash: ['承诺哈希', '承诺全部内容（规范 JSON）的 SHA-256 与记录的承诺哈希一致（见《抽取规范》第 9 节）。'],
  secret: ['秘密值',
    '抽取时公开的秘密值与承诺中事先公布的哈希相符（见《抽取规范》第 7.1 节）：操作方不能在看到见证人提供的数值之后更换秘密值。'],
  witnesses: ['见证人', '提供外部随机数的见证人正是承诺中事先指定的见证人，顺序相同（见《抽取规范》第 7.2 节）。'],
  drand: ['drand 公共随机信标',
    '如果承诺事先指定了 drand 公共随机信标的某一轮：誊本记录的正是这一轮，它在承诺之后才发布（承诺时包括操作方在内谁都不知道它的数值），'
    + '它的 BLS 签名能用该链的公钥验证（公钥内置在本页面中，离线验证，不联网），randomness 是签名的 SHA-256，抽取时间不早于该轮的发布时间（见《抽取规范》第 7.3 节）。'],
  drawn_at: ['抽取时间', '誊本记录的抽取时间不早于承诺时间（见《抽取规范》第 14 节第 7h 项）：抽取不能发生在承诺公布之前。'],
  entropy_digest: ['外部随机数摘要', '由见证人提供的数值（以及 drand 轮次，如有）重新计算的摘要与记录一致（见《抽取规范》第 7.2 节、第 7.3 节）。'],
  draw_key: ['抽取密钥', '由承诺哈希、秘密值和外部随机数摘要重新推导的抽取密钥与记录一致（见《抽取规范》第 10 节）。'],
  selections: ['抽取结果',
    '用抽取密钥重新随机抽取每一层的检查对象、重新随机分配检查人员（排除回避人员），与誊本逐项相同（见《抽取规范》第 11 节、第 12 节）。'],
  digest: ['誊本摘要', '整份誊本（包括抽取时间）的 SHA-256 与记录的摘要一致（见《抽取规范》第 13.2 节）。'],
};

/** The line under the drand check: which round of which chain was checked, or that none was promised. */
export function drandText(beacon) {
  if (beacon === null) return '承诺没有指定 drand 轮次，誊本中也没有：本次抽取只使用见证人提供的随机数。';
  return `drand ${beacon.chain} 链（链哈希 ${beacon.chain_hash.slice(0, 8)}…${beacon.chain_hash.slice(-8)}）第 ${beacon.round} 轮，`
    + `发布于 ${beijingTime(beacon.time)}：BLS 签名有效，randomness ${beacon.randomness.slice(0, 16)}… 是签名的 SHA-256。`;
}

export const STATUS_TEXT = {
  pass: '通过',
  fail: '未通过',
  'not-run': '未执行',
  skipped: '已跳过',
  running: '进行中',
};

export const PHASE_TEXT = {
  parse: '读取名录文件',
  hash: '计算名录哈希',
};

/**
 * The draw spec as the site publishes it beside this page (docs/draw-spec.md). Sections are cited
 * to the public as 《抽取规范》第 N 节, never as a bare § number.
 */
export const SPEC_URL = 'draw-spec.txt';

/** A check's spec section (`§13.1`, `§14.7h` = step 7h of §14, `§11–§12`) in words: 第 13.1 节. */
export function sectionText(section) {
  const step = /^§14\.(\w+)$/.exec(section);
  if (step) return `第 14 节第 ${step[1]} 项`;
  const range = /^§([\d.]+)–§([\d.]+)$/.exec(section);
  if (range) return `第 ${range[1]}–${range[2]} 节`;
  return `第 ${section.replace(/^§/, '')} 节`;
}

/**
 * What the plan's targets are called (`?kind=` in the site's link: the plan's target kind, as the
 * registry codes it): a guide is 导游, not 企业. Without a kind, the neutral 检查对象.
 */
export const KIND_WORD = {
  agency: { noun: '旅行社', measure: '家' },
  guide: { noun: '导游', measure: '名' },
  online_operator: { noun: '在线旅游经营者', measure: '家' },
};
export const DEFAULT_KIND = { noun: '检查对象', measure: '个' };
export const kindWord = (kind) => (Object.hasOwn(KIND_WORD, kind ?? '') ? KIND_WORD[kind] : DEFAULT_KIND);

/**
 * An RFC 3339 UTC time (`2026-11-26T08:00:00Z`) as the public reads it: 北京时间 (UTC+8), labelled,
 * e.g. `2026-11-26 16:00:00（北京时间）`. Text that is not such a time is shown as it is.
 */
export function beijingTime(text) {
  const ns = typeof text === 'string' ? parseRfc3339(text) : null;
  return ns === null ? String(text) : `${beijingText(ns)}（北京时间）`;
}

/** Nanoseconds since 1970 (BigInt) in 北京时间, labelled: `2026-03-02 00:30:00（北京时间）`. */
export const beijingNs = (ns) => `${beijingText(ns)}（北京时间）`;

const RFC3339_UTC = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z\b/g;

/**
 * A recorded or recomputed value as shown under a failure: every RFC 3339 UTC time in it is given
 * in 北京时间, with the value as the file writes it beside (`不早于 2026-03-02 00:30:00（北京时间，即
 * 2026-03-01T16:30:00Z）`); other values unchanged.
 */
export function valueText(value) {
  return String(value).replace(RFC3339_UTC, (t) => {
    const ns = parseRfc3339(t);
    return ns === null ? t : `${beijingText(ns)}（北京时间，即 ${t}）`;
  });
}

/** Any RFC 3339 UTC time in a sentence, as 北京时间 (the core states times as the files write them). */
const timesInBeijing = (text) => String(text).replace(RFC3339_UTC, (t) => beijingTime(t));

/**
 * A failure of the draw's checks in words: the core's Chinese sentence, except that the failures
 * that state times are worded here from their `facts` (RFC 3339 UTC in the files), in 北京时间.
 */
export function failureText(f) {
  const x = f.facts ?? {};
  switch (f.code) {
    case 'drawn-before-commit':
      if (x.drawnAt && x.committedAt) return `抽取时间 ${beijingTime(x.drawnAt)}早于承诺时间 ${beijingTime(x.committedAt)}。`;
      break;
    case 'beacon-too-early':
      if (x.roundTime && x.drawnAt) {
        return `drand 第 ${x.round} 轮发布于 ${beijingTime(x.roundTime)}，抽取时间 ${beijingTime(x.drawnAt)}早于此时间。`;
      }
      break;
    case 'beacon-round-not-after-commit':
      if (x.roundTime && x.committedAt) {
        return `drand ${x.chain} 第 ${x.round} 轮发布于 ${beijingTime(x.roundTime)}，不晚于承诺时间 ${beijingTime(x.committedAt)}：承诺时其数值可能已为人所知。`;
      }
      break;
    default:
  }
  return timesInBeijing(f.detail);
}

/** What each time-stamp code means, in plain words (the code itself is shown too: it is the CLI's). */
export const TIMESTAMP_CODE_TEXT = {
  'timestamp-malformed': '不是有效的 RFC 3161 时间戳响应文件',
  'timestamp-not-granted': '时间戳机构没有签发时间戳',
  'timestamp-imprint': '它证明的是另一个哈希，不是本次承诺的哈希',
  'timestamp-nonce': '随机数（nonce）与请求不符',
  'timestamp-signer': '找不到签名者的证书',
  'timestamp-signed-attributes': '签名属性缺失，或与时间戳内容、签名者证书不符',
  'timestamp-signature': '时间戳机构的签名验证失败（文件被改动过）',
  'timestamp-certificate': '签名证书不是时间戳专用证书，或在签发时不在有效期内',
  'timestamp-untrusted': '签名者的证书不能追溯到所提供的信任根证书',
  'timestamp-unsupported': '使用了本页面不支持的算法（如 SM2、RSA-PSS）',
  'timestamp-too-late': '时间戳不早于截止时间，不能证明承诺在随机数产生之前已经存在',
};

/** Algorithms a token may name that the page does not support, by name (the OID is shown too). */
const OID_NAMES = {
  '1.2.156.10197.1.501': 'SM2 签名（SM3 摘要）',
  '1.2.156.10197.1.401': 'SM3 摘要',
  '1.2.156.10197.1.301': 'SM2 椭圆曲线',
  '1.2.840.113549.1.1.10': 'RSA-PSS 签名',
  '1.2.840.113549.1.1.5': 'RSA 签名（SHA-1 摘要）',
  '1.2.840.10045.4.1': 'ECDSA 签名（SHA-1 摘要）',
  '1.3.14.3.2.26': 'SHA-1 摘要',
};
const oidText = (oid) => (Object.hasOwn(OID_NAMES, oid ?? '') ? `${OID_NAMES[oid]}（${oid}）` : `算法 ${oid}`);

/** RFC 3161 PKIStatus values other than granted, in words. */
const PKI_STATUS_TEXT = {
  rejection: '拒绝',
  waiting: '等待中',
  revocationWarning: '证书即将被吊销',
  revocationNotification: '证书已被吊销',
};

/** A time-stamp token's structure that does not read (timestamp-malformed), by `reason`. */
const MALFORMED_TEXT = {
  'not-der': () => '文件不是一个完整的 DER 编码值（可能被截断或改动过，或根本不是时间戳响应文件）。',
  response: () => '时间戳响应（TimeStampResp）的结构无法读取。',
  'no-token': () => '响应表示已签发，却不含时间戳令牌。',
  'not-signed-data': (x) => `时间戳令牌的内容类型是 ${x.oid}，不是签名数据（SignedData）。`,
  'signed-data': () => '时间戳令牌中的签名数据（SignedData）结构无法读取。',
  'cms-version': () => '签名数据中有不是 CMS 规定版本（0–5）的版本号。',
  'not-tst-info': (x) => `签名的内容类型是 ${x.oid}，不是时间戳信息（TSTInfo）。`,
  'no-tst-info': () => '时间戳令牌中没有时间戳信息（TSTInfo）。',
  'e-content': () => '时间戳信息没有以 OCTET STRING 的形式签入令牌。',
  'tst-info': () => '时间戳信息（TSTInfo）的结构无法读取。',
  'tst-version': (x) => `时间戳信息的版本是 ${x.version}，应为 1。`,
  accuracy: () => '时间戳信息中的误差（accuracy）超出范围。',
  'gen-time': (x) => `时间戳信息中的时间“${x.text}”不是规定的格式 YYYYMMDDhhmmss[.f]Z。`,
  'token-certificate': () => '时间戳令牌所附的某个证书无法读取。',
};

/** Signed attributes that are missing or wrong (timestamp-signed-attributes), by `reason`. */
const ATTRIBUTES_TEXT = {
  none: () => '签名者没有签名属性。',
  'attribute-twice': (x) => `签名属性 ${x.oid} 出现了不止一次。`,
  'attribute-values': (x) => `签名属性 ${x.oid} 的值不是恰好一个。`,
  'no-content-type': () => '缺少内容类型（content-type）签名属性。',
  'content-type-not-oid': () => '内容类型签名属性不是对象标识符。',
  'content-type': (x) => `内容类型签名属性是 ${x.oid}，不是时间戳信息（TSTInfo）。`,
  'no-message-digest': () => '缺少消息摘要（message-digest）签名属性。',
  'message-digest-form': () => '消息摘要签名属性不是 OCTET STRING。',
  'message-digest': () => '消息摘要签名属性不是时间戳信息的摘要：时间戳信息被改动过。',
  'no-signing-certificate': () => '缺少签名证书（signingCertificate 或 signingCertificateV2）签名属性，无法确定签名的是哪一个证书。',
  'ess-decode': (x) => `签名证书属性（${x.attribute}）无法读取。`,
  'ess-hash': () => '签名证书属性中的证书哈希与签名者的证书不符。',
  'ess-issuer-serial': () => '签名证书属性中的颁发者和序列号与签名者的证书不符。',
};

/** The signer's certificate that cannot stamp (timestamp-certificate), by `reason`. */
const CERTIFICATE_TEXT = {
  'no-eku': () => '没有扩展密钥用法（时间戳机构的证书必须限定为时间戳专用，即 id-kp-timeStamping）',
  'eku-form': () => '的扩展密钥用法无法读取',
  'eku-not-critical': () => '的扩展密钥用法没有标为关键（critical）',
  'eku-not-time-stamping': () => '的扩展密钥用法不是仅限时间戳（id-kp-timeStamping）',
  'not-valid': (x) => `在时间戳时间 ${beijingNs(x.at)}不在有效期内（有效期为 ${beijingText(x.notBefore)} 至 ${beijingText(x.notAfter)}，北京时间）`,
};

/** An algorithm the page cannot check (timestamp-unsupported), by `reason` / `what`. */
function unsupportedText(x) {
  if (x.reason === 'digest') return `签名者使用的${oidText(x.oid)}本页面不支持。`;
  if (x.reason === 'ess-hash') return `签名证书属性使用的${oidText(x.oid)}本页面不支持。`;
  switch (x.what) {
    case 'rsa-no-digest': return 'RSA 签名没有指明摘要算法。';
    case 'digest': return `签名使用的${oidText(x.oid)}本页面不支持。`;
    case 'algorithm': return `签名使用的${oidText(x.oid)}本页面不支持。`;
    case 'rsa-key': return '声称是 RSA 签名，签名者的公钥却不是 RSA 公钥。';
    case 'ec-key': return '声称是 ECDSA 签名，签名者的公钥却不是椭圆曲线公钥。';
    case 'ec-curve': return '签名者的椭圆曲线公钥没有指明曲线。';
    case 'curve': return `签名者的公钥使用的${oidText(x.oid)}本页面不支持。`;
    default: return null;
  }
}

/**
 * The detail line of a token that does not count, in words, from the core's `{ code, facts }`
 * (src/core/timestamp.js): names, hashes and times (in 北京时间) as the token states them. Falls
 * back to the meaning of the code, never to the core's English detail.
 */
export function timestampDetailText(error) {
  const x = error.facts ?? {};
  let text = null;
  switch (error.code) {
    case 'timestamp-malformed':
      text = MALFORMED_TEXT[x.reason]?.(x) ?? null;
      break;
    case 'timestamp-not-granted':
      text = `时间戳机构没有签发时间戳（状态：${PKI_STATUS_TEXT[x.status] ?? x.status}）${x.text ? `，机构附言：“${x.text}”` : ''}。`;
      break;
    case 'timestamp-imprint':
      text = `时间戳证明的哈希是 ${x.algorithm === 'sha256' ? 'SHA-256' : oidText(x.algorithm)} ${x.hash}，本次承诺的哈希是 ${x.commitmentHash}。`;
      break;
    case 'timestamp-nonce':
      text = `时间戳中的随机数（nonce）是 ${x.found ?? '（无）'}，请求中的是 ${x.nonce}。`;
      break;
    case 'timestamp-signer':
      text = x.reason === 'signers'
        ? `时间戳有 ${x.count} 个签名者，RFC 3161 只允许时间戳机构一个签名者。`
        : '签名者的证书既不在时间戳文件中，也不是所提供的信任根证书。';
      break;
    case 'timestamp-signed-attributes':
      text = ATTRIBUTES_TEXT[x.reason]?.(x) ?? null;
      break;
    case 'timestamp-signature':
      text = '用签名者证书的公钥验证时间戳机构的签名，结果不符：时间戳被改动过，或不是该证书签的名。';
      break;
    case 'timestamp-certificate': {
      const why = CERTIFICATE_TEXT[x.reason]?.(x);
      text = why ? `证书 ${x.subject} ${why}。` : null;
      break;
    }
    case 'timestamp-untrusted':
      text = `签名者 ${x.signer} 的证书不能追溯到所提供的信任根证书（${(x.anchors ?? []).join('；')}）。`;
      break;
    case 'timestamp-unsupported':
      text = unsupportedText(x);
      break;
    case 'timestamp-too-late':
      text = `时间戳时间为 ${beijingNs(x.genTime)}`
        + (x.latest !== x.genTime ? `，计入误差最晚为 ${beijingNs(x.latest)}` : '')
        + `，不早于截止时间 ${beijingNs(x.deadline)}。`;
      break;
    default:
  }
  return text ?? `${TIMESTAMP_CODE_TEXT[error.code] ?? '时间戳无效'}。`;
}

/** Trust anchors that could not be read (src/core/timestamp.js AnchorError), in words. */
export function anchorErrorText(e) {
  const x = e.facts ?? {};
  if (x.reason === 'none') return '其中没有证书（应为含 CERTIFICATE 块的 PEM 文件）。';
  if (x.reason === 'certificate') return `其中第 ${x.index} 个证书无法读取。`;
  return '无法读取。';
}
