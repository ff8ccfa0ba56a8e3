// The API reference at /docs: swagger-ui (swagger-ui-dist, served from /vendor/swagger-ui/) renders
// the Worker's own OpenAPI document, GET /v1/openapi.json, the one generated from the zod schemas.
// A classic script, not a module: swagger-ui-bundle.js defines the global SwaggerUIBundle.

// swagger-ui's example picker is a <select> without a label (axe: select-name): wrapped in a
// <label> whose (visually hidden) text names it. Nothing else changes.
const labelledExamplesSelect = {
  wrapComponents: {
    ExamplesSelect: (Original, system) => (props) => {
      const h = system.React.createElement;
      return h('label', { className: 'examples-select-label' }, h('span', { className: 'visually-hidden' }, 'Example'), h(Original, props));
    },
  },
};

window.SwaggerUIBundle({
  url: '/v1/openapi.json',
  dom_id: '#api-docs',
  layout: 'BaseLayout',
  plugins: [labelledExamplesSelect],
  // Off: with deep links each operation's toggle button holds a link (axe: nested-interactive).
  deepLinking: false,
  // The default sends the document to validator.swagger.io for a badge: nothing leaves this origin.
  validatorUrl: null,
  // No "Try it out": the bank's routes need an HMAC signature a browser page must not hold the key for.
  supportedSubmitMethods: [],
  defaultModelsExpandDepth: 0,
  displayOperationId: true,
});
