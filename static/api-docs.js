// Starts Swagger UI on /api/docs from the page's data attributes, so the page needs no
// inline script under the Content-Security-Policy.
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({
    url: container.dataset.specUrl,
    dom_id: "#swagger-ui-container",
    deepLinking: true,
  });
});
