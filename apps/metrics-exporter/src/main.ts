import { bootService } from '@nightshift/wiring';
import { buildMetricsExporter } from './metrics-exporter';

void bootService('metrics-exporter', buildMetricsExporter);
