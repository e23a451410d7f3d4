/**
 * Problem messages in English and Chinese. The people who edit plan files are bureau
 * and school staff: zod's "Invalid input: expected string, received undefined" is
 * rewritten as "is required / 缺少必填项", and the value found is quoted so the line
 * can be fixed without opening the schema.
 */
import type { z } from 'zod';

export interface Message {
  en: string;
  zh: string;
}

const TYPE_ZH: Record<string, string> = {
  string: '文本',
  number: '数字',
  array: '列表',
  object: '对象（键值）',
  boolean: '布尔值',
};

export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value === undefined) return String(value);
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : 'an object';
}

/** A value as the message quotes it: strings in quotes, others as written in the file. */
export function shownValue(value: unknown, source?: string): string {
  return typeof value === 'string' ? JSON.stringify(value) : (source ?? quote(value));
}

function describe(value: unknown): { en: string; zh: string } {
  if (Array.isArray(value)) return { en: 'a list', zh: '列表' };
  if (value === null) return { en: 'null (empty)', zh: '空值' };
  if (typeof value === 'object') return { en: 'an object', zh: '对象' };
  return { en: `${typeof value} ${quote(value)}`, zh: `${TYPE_ZH[typeof value] ?? typeof value} ${quote(value)}` };
}

/**
 * `value` is what the file holds at the issue's path; `source` is its text in the file
 * (so that `id: 007`, read by YAML as the number 7, can be shown as written). Every zod
 * issue code is named, so a code a new zod adds has to be placed here.
 */
export function issueMessage(issue: z.core.$ZodIssue, value: unknown, source?: string): Message {
  const shown = shownValue(value, source);
  switch (issue.code) {
    case 'invalid_type': {
      const { expected } = issue;
      if (value === undefined) return { en: 'is required', zh: '缺少必填项' };
      const got = describe(value);
      const hint =
        expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')
          ? { en: ` (put it in quotes: "${source ?? String(value)}")`, zh: `（请加引号："${source ?? String(value)}"）` }
          : { en: '', zh: '' };
      return {
        en: `must be a ${expected}, found ${got.en}${hint.en}`,
        zh: `应为${TYPE_ZH[expected] ?? expected}，实际为${got.zh}${hint.zh}`,
      };
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return { en: `${shown} must be one of ${options}`, zh: `${shown} 应为以下之一：${options}` };
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const n = small ? issue.minimum : issue.maximum;
      if (issue.origin === 'string' && small) return { en: 'must not be empty', zh: '不能为空' };
      if (issue.origin === 'number') {
        const strict = issue.inclusive === false;
        return {
          en: `${shown} must be ${small ? (strict ? 'more than' : 'at least') : strict ? 'less than' : 'at most'} ${n}`,
          zh: `${shown} 应${small ? (strict ? '大于' : '不小于') : strict ? '小于' : '不大于'} ${n}`,
        };
      }
      const unit = issue.origin === 'array' ? { en: 'item(s)', zh: '项' } : { en: 'characters', zh: '个字符' };
      if (issue.exact) return { en: `must have exactly ${n} ${unit.en}`, zh: `必须正好 ${n} ${unit.zh}` };
      return small
        ? { en: `must have at least ${n} ${unit.en}`, zh: `至少需要 ${n} ${unit.zh}` }
        : { en: `must have at most ${n} ${unit.en}`, zh: `最多 ${n} ${unit.zh}` };
    }
    case 'invalid_union': {
      // The plan's only union: a reminder offset or grace period.
      if (issue.path.some((p) => p === 'grace' || p === 'reminders')) {
        return {
          en: `${shown} must be an ISO 8601 duration ("P7D") or working days ({ workingDays: 3 })`,
          zh: `${shown} 应为 ISO 8601 时长（如「P7D」）或工作日数（如 { workingDays: 3 }）`,
        };
      }
      return { en: `${shown} matches none of the allowed forms`, zh: `${shown} 不符合任何允许的写法` };
    }
    case 'invalid_format':
      return { en: `${shown} ${issue.message}`, zh: `${shown} 格式不对：只能由 1–40 个字母、数字、「-」或「_」 组成，以字母或数字开头` };
    case 'custom':
    case 'not_multiple_of':
    case 'unrecognized_keys':
    case 'invalid_key':
    case 'invalid_element':
      return schemaMessage(issue.message, shown);
  }
}

/** Messages written by plan.schema.ts itself (refinements and checkPlanReferences). */
export function schemaMessage(message: string, shown: string): Message {
  const rules: Array<[RegExp, (m: RegExpMatchArray) => Message]> = [
    [/^is not a date/, () => ({ en: `${shown} ${message}`, zh: `${shown} 不是有效日期（例：2023-08-31）` })],
    [
      /^is not a positive ISO 8601 duration/,
      () => ({ en: `${shown} ${message}`, zh: `${shown} 不是有效的 ISO 8601 时长（例：P7D 表示 7 天）` }),
    ],
    [/^is not an IANA time zone/, () => ({ en: `${shown} ${message}`, zh: `${shown} 不是有效的时区（例：Asia/Shanghai 或 UTC+8）` })],
    [/^(".*") is not a date$/, (m) => ({ en: message, zh: `${m[1]} 不是真实存在的日期` })],
    [/^no person (".*")$/, (m) => ({ en: message, zh: `人员名单（people）中没有 ${m[1]}` })],
    [/^no unit (".*")$/, (m) => ({ en: message, zh: `单位名单（units）中没有 ${m[1]}` })],
    [/^no area (".*")$/, (m) => ({ en: message, zh: `任务领域（areas）中没有 ${m[1]}` })],
    [/^duplicate id (".*")$/, (m) => ({ en: message, zh: `编号 ${m[1]} 重复` })],
    [
      /^must be (".*") \(phases run/,
      (m) => ({
        en: `${shown} ${message}`,
        zh: `应为 ${m[1]}（阶段顺序：启动 launch、推进 promotion、全面实施 implementation、总结评估 evaluation）`,
      }),
    ],
    [
      /^(".*") is outside the years a plan may run in \((\d+)–(\d+)\)$/,
      (m) => ({ en: message, zh: `${m[1]} 超出方案可用的年份范围（${m[2]}–${m[3]} 年）` }),
    ],
    [
      /^(".*") has the UTC offset (\S+);/,
      (m) => ({ en: message, zh: `${m[1]} 的 UTC 偏移 ${m[2]} 不存在（实际偏移在 −12:00 至 +14:00 之间）` }),
    ],
    [/^(".*") is longer than the longest allowed period/, (m) => ({ en: message, zh: `${m[1]} 超过允许的最长期限（10 年）` })],
    [/end is before .*start$/, () => ({ en: message, zh: '阶段结束日期早于开始日期' })],
    [/start overlaps (.*)$/, (m) => ({ en: message, zh: `阶段开始日期与 ${m[1]} 重叠` })],
    [/^is required on every rung but the last/, () => ({ en: message, zh: '除最后一级外，每一级都要写整改期限 grace（例：P7D）' })],
  ];
  for (const [re, make] of rules) {
    const m = message.match(re);
    if (m) return make(m);
  }
  return { en: message, zh: message };
}

/** YAML parser error codes, in Chinese. */
export function yamlErrorMessage(code: string, message: string): Message {
  const zh: Record<string, string> = {
    DUPLICATE_KEY: '同一对象中键重复',
    BAD_INDENT: '缩进不正确',
    MISSING_CHAR: '缺少字符（如引号、括号未闭合）',
    MULTILINE_IMPLICIT_KEY: '键不能跨行（可能缺少冒号后的空格或缩进不对）',
    TAB_AS_INDENT: 'YAML 不能用 Tab 缩进，请改用空格',
    UNEXPECTED_TOKEN: '出现意外的字符',
    BLOCK_AS_IMPLICIT_KEY: '键的写法不正确',
    BAD_SCALAR_START: '值的开头字符不合法（含 @ ` 等字符的值请加引号）',
  };
  const first = message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? message;
  return { en: first, zh: `YAML 语法错误：${zh[code] ?? first}` };
}
