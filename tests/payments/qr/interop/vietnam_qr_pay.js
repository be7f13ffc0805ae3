// Reads [{payload, fields}] on stdin; for each, decodes the payload with vietnam-qr-pay and
// builds a payload from the same fields with it; prints the results as JSON.
const { QRPay } = require("vietnam-qr-pay");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(({ payload, fields }) => {
    const qr = new QRPay(payload);
    const built = QRPay.initVietQR(fields).build();
    return {
      valid: qr.isValid,
      bank_bin: qr.consumer && qr.consumer.bankBin,
      account_number: qr.consumer && qr.consumer.bankNumber,
      amount: qr.amount || null,
      purpose: (qr.additionalData && qr.additionalData.purpose) || null,
      point_of_initiation: qr.initMethod,
      built,
    };
  });
  process.stdout.write(JSON.stringify(out));
});
