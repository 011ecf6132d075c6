// Names the widget's source uses that the DOM typings do not declare: the placeholders the
// bundle builder (bundle.go) replaces, the page's window.Signpost, and Global Privacy Control.
declare const __SIGNPOST_DATA__: any;
declare const __SIGNPOST_CSS__: string;
declare const __SIGNPOST_API__: string;
/** The widget's words by language (bundle.go Text: the "widget.*" keys of words/en.json and fr.json). */
declare const __SIGNPOST_TEXT__: Record<string, { [word: string]: any }>;
interface Window { Signpost: any }
interface Navigator { globalPrivacyControl?: boolean }
