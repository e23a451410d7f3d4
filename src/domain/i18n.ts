/** Text a user reads: Chinese first, English available. */
export interface Text {
  zh: string;
  en: string;
}

export type Lang = 'zh' | 'en';

/** Picks the language from an Accept-Language header or `?lang=`; Chinese unless English is asked for. */
export function pickLang(header: string | undefined): Lang {
  return header && /^en\b/i.test(header.trim()) ? 'en' : 'zh';
}
